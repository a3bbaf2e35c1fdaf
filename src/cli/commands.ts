import type { Command } from 'commander';
import { commandWord, entriesFor, versionOnly, type CommandWord, type Named } from './command-word.js';

// Every command group registers itself here. One entry per group keeps the list of
// commands visible in one place.
//
// Start-up cost: loading modules is most of what a short command pays before it does
// anything, so a group's registration modules are loaded only when the command line
// names one of its top-level words (`berth container run` loads the container group
// alone); without a known word (no command, `help`, a typo) every group is loaded, so
// help and "unknown command" are what they always were; `berth -v` alone loads none.
// Registration modules import only commander and flag helpers; each action imports its
// implementation on first use.

/** `named`: the command line's word for this group and what follows it, when the group is loaded alone. */
type Register = (program: Command, named?: CommandWord) => void | Promise<void>;

export interface CommandGroup extends Named {
  load: () => Promise<Register>;
}

/** The Compose commands at the top level (compose/index.ts; `images` is only under `compose`). */
const COMPOSE_WORDS = ['up', 'down', 'ps', 'logs', 'create', 'start', 'stop', 'restart', 'kill', 'rm', 'pause', 'unpause', 'top', 'port', 'events', 'wait', 'ls', 'version', 'exec', 'run', 'cp', 'compose'];

export const commandGroups: readonly CommandGroup[] = [
  { words: ['config'], load: async () => (await import('./config.js')).registerConfig },
  { words: COMPOSE_WORDS, load: async () => (await import('./compose/index.js')).registerComposeCommands },
  { words: ['container'], load: async () => (await import('./container/index.js')).registerContainerCommands },
  { words: ['images', 'import', 'load', 'save', 'rmi', 'tag', 'image'], load: async () => (await import('./image/index.js')).registerImageCommands },
  { words: ['network'], load: async () => (await import('./network/index.js')).registerNetworkCommands },
  { words: ['volume'], load: async () => (await import('./volume/index.js')).registerVolumeCommands },
];

/** Register the groups the command line needs (all of them when argv names no known command). */
export async function registerCommands(program: Command, argv: readonly string[] = process.argv): Promise<void> {
  // Global flags go before the command, as with `docker compose` (see compose/index.ts):
  // set here too, so parsing is the same whichever groups are loaded.
  program.enablePositionalOptions();
  const args = argv.slice(2);
  if (versionOnly(program, args)) return;
  const named = commandWord(program, args);
  const groups = entriesFor(commandGroups, named?.word);
  const registers = await Promise.all(groups.map((g) => g.load()));
  // A group loaded alone gets the rest of the command line, to load only the subcommand it names.
  for (const register of registers) await register(program, groups.length === 1 ? named : undefined);
}
