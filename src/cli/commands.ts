import type { Command } from 'commander';

// Every command group registers itself here. One entry per group keeps the list of
// commands visible in one place.
//
// Start-up cost: loading modules is most of what a short command pays before it does
// anything, so a group's registration modules are loaded only when the command line
// names one of its top-level words (`berth container run` loads the container group
// alone); without a known word (no command, `help`, a typo) every group is loaded, so
// help and "unknown command" are what they always were. Registration modules import
// only commander and flag helpers; each action imports its implementation on first use.

type Register = (program: Command) => void;

export interface CommandGroup {
  /** The top-level words (commands and aliases) the group registers on the program. */
  words: readonly string[];
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
  const word = commandWord(program, argv.slice(2));
  const needed = commandGroups.filter((g) => word !== undefined && g.words.includes(word));
  const registers = await Promise.all((needed.length === 1 ? needed : commandGroups).map((g) => g.load()));
  for (const register of registers) register(program);
}

/**
 * The first operand after the program's own options: the command's name, if any.
 * Undefined when help is asked for before it (`berth --help up` prints the root's help).
 */
export function commandWord(program: Command, args: readonly string[]): string | undefined {
  const takesValue = new Set<string>();
  for (const opt of program.options) {
    if (!opt.required && !opt.optional) continue;
    if (opt.short) takesValue.add(opt.short);
    if (opt.long) takesValue.add(opt.long);
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--' || arg === '-h' || arg === '--help') return undefined;
    if (!arg.startsWith('-') || arg === '-') return arg;
    if (arg.startsWith('--')) {
      if (!arg.includes('=') && takesValue.has(arg)) i++;
      continue;
    }
    // A cluster of short flags (-dq); the first that takes a value takes the rest, or the next argument.
    for (let c = 1; c < arg.length; c++) {
      const flag = `-${arg[c]}`;
      if (flag === '-h') return undefined;
      if (!takesValue.has(flag)) continue;
      if (c === arg.length - 1) i++;
      break;
    }
  }
  return undefined;
}
