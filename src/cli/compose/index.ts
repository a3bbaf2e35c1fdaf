import { Option, type Command } from 'commander';
import { registerConfig } from '../config.js';
import { registerCp } from './cp.js';
import { collect } from './options.js';
import { registerCreate } from './create.js';
import { registerDown } from './down.js';
import { registerEvents } from './events.js';
import { registerExec } from './exec.js';
import { registerImages } from './images.js';
import { registerKill } from './kill.js';
import { registerLogs } from './logs.js';
import { registerLs } from './ls.js';
import { registerPause } from './pause.js';
import { registerPort } from './port.js';
import { registerPs } from './ps.js';
import { registerRestart } from './restart.js';
import { registerRm } from './rm.js';
import { registerRun } from './run.js';
import { registerStart } from './start.js';
import { registerStop } from './stop.js';
import { registerTop } from './top.js';
import { registerUp } from './up.js';
import { registerVersion } from './version.js';
import { registerWait } from './wait.js';

// The Compose commands, registered twice like Docker's CLI: at the top level (`berth up`)
// and under `berth compose` (`berth compose up`). Top-level `images` is the engine's image
// list, so the project's `images` lives only under `berth compose`.

type Register = (parent: Command) => void;

const commands: Register[] = [
  registerUp, registerDown, registerPs, registerLogs, registerCreate, registerStart, registerStop, registerRestart,
  registerKill, registerRm, registerPause, registerTop, registerPort, registerEvents, registerWait, registerLs, registerVersion, registerExec, registerRun, registerCp,
];
// `config` is registered at the top level by its own module; it belongs in the group too.
const composeOnly: Register[] = [registerImages, registerConfig];

export function registerComposeCommands(program: Command): void {
  // Global flags go before the command, as with `docker compose`: otherwise the global
  // -f/-p/-v would swallow `logs -f`, `run -p`, `down -v`, `rm -f`.
  program.enablePositionalOptions();
  for (const register of commands) register(program);
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
  for (const register of [...commands, ...composeOnly]) register(group);
}
