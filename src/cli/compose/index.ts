import { Option, type Command } from 'commander';
import { commandWord, entriesFor, type CommandWord, type Named } from '../command-word.js';
import { collect } from './options.js';

// The Compose commands, registered twice like Docker's CLI: at the top level (`berth up`)
// and under `berth compose` (`berth compose up`). Top-level `images` is the engine's image
// list, so the project's `images` lives only under `berth compose`.
// Like the groups (see ../commands.ts), only the command the command line names is loaded
// (`berth up`: up.ts alone); all of them, in this order, for help or an unknown word.

type Register = (parent: Command) => void;

interface ComposeCommand extends Named {
  load: () => Promise<Register>;
}

const commands: readonly ComposeCommand[] = [
  { words: ['up'], load: async () => (await import('./up.js')).registerUp },
  { words: ['down'], load: async () => (await import('./down.js')).registerDown },
  { words: ['ps'], load: async () => (await import('./ps.js')).registerPs },
  { words: ['logs'], load: async () => (await import('./logs.js')).registerLogs },
  { words: ['create'], load: async () => (await import('./create.js')).registerCreate },
  { words: ['start'], load: async () => (await import('./start.js')).registerStart },
  { words: ['stop'], load: async () => (await import('./stop.js')).registerStop },
  { words: ['restart'], load: async () => (await import('./restart.js')).registerRestart },
  { words: ['kill'], load: async () => (await import('./kill.js')).registerKill },
  { words: ['rm'], load: async () => (await import('./rm.js')).registerRm },
  { words: ['pause', 'unpause'], load: async () => (await import('./pause.js')).registerPause },
  { words: ['top'], load: async () => (await import('./top.js')).registerTop },
  { words: ['port'], load: async () => (await import('./port.js')).registerPort },
  { words: ['events'], load: async () => (await import('./events.js')).registerEvents },
  { words: ['wait'], load: async () => (await import('./wait.js')).registerWait },
  { words: ['ls'], load: async () => (await import('./ls.js')).registerLs },
  { words: ['version'], load: async () => (await import('./version.js')).registerVersion },
  { words: ['exec'], load: async () => (await import('./exec.js')).registerExec },
  { words: ['run'], load: async () => (await import('./run.js')).registerRun },
  { words: ['cp'], load: async () => (await import('./cp.js')).registerCp },
];
// `config` is registered at the top level by its own module; it belongs in the group too.
const composeOnly: readonly ComposeCommand[] = [
  { words: ['images'], load: async () => (await import('./images.js')).registerImages },
  { words: ['config'], load: async () => (await import('../config.js')).registerConfig },
];

async function loadAll(entries: readonly ComposeCommand[]): Promise<Register[]> {
  return Promise.all(entries.map((e) => e.load()));
}

/** `named`: the command line's word (`up`, `compose`) and what follows it, when known. */
export async function registerComposeCommands(program: Command, named?: CommandWord): Promise<void> {
  // Global flags go before the command, as with `docker compose`: otherwise the global
  // -f/-p/-v would swallow `logs -f`, `run -p`, `down -v`, `rm -f`.
  program.enablePositionalOptions();
  if (named && named.word !== 'compose') {
    for (const register of await loadAll(entriesFor(commands, named.word))) register(program);
    return;
  }
  if (!named) for (const register of await loadAll(commands)) register(program);
  const group = program.command('compose').description('Docker Compose-compatible commands (also available at the top level)').enablePositionalOptions();
  // `berth compose -f x -p y up`, as with `docker compose`: the project flags again, here.
  group
    .option('-f, --file <file>', 'compose configuration file (repeatable)', collect)
    .option('-p, --project-name <name>', 'project name')
    .option('--project-directory <dir>', 'alternate working directory')
    .option('--profile <profile>', 'enable a profile (repeatable)', collect)
    .option('--env-file <file>', 'alternate environment file (repeatable)', collect)
    .option('--parallel <n>', 'maximum parallelism, -1 for unlimited')
    .addOption(new Option('--progress <type>', 'progress output').choices(['auto', 'tty', 'plain', 'json', 'quiet']))
    .addOption(new Option('--ansi <when>', 'control characters').choices(['never', 'always', 'auto']));
  const sub = named ? commandWord(group, named.rest) : undefined;
  for (const register of await loadAll(entriesFor([...commands, ...composeOnly], sub?.word))) register(group);
}
