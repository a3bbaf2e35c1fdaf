import type { Command } from 'commander';

// Which command a command line names, so that only its registration module is loaded
// (see commands.ts): loading modules is most of what a short command pays at start.

export interface Named {
  /** The words (names and aliases) an entry registers on its parent. */
  words: readonly string[];
}

export interface CommandWord {
  word: string;
  /** The arguments after the word. */
  rest: readonly string[];
}

interface Scan {
  /** The first operand and what follows it. */
  named?: CommandWord;
  /** -h/--help came before it. */
  help: boolean;
  /** -v/--version came before it. */
  version: boolean;
}

/** Reads `cmd`'s own options at the front of `args`, up to the first operand. */
function scan(cmd: Command, args: readonly string[]): Scan {
  const takesValue = new Set<string>();
  for (const opt of cmd.options) {
    if (!opt.required && !opt.optional) continue;
    if (opt.short) takesValue.add(opt.short);
    if (opt.long) takesValue.add(opt.long);
  }
  let version = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--' || arg === '-h' || arg === '--help') return { help: true, version };
    if (!arg.startsWith('-') || arg === '-') return { named: { word: arg, rest: args.slice(i + 1) }, help: false, version };
    if (arg.startsWith('--')) {
      if (arg === '--version') version = true;
      else if (!arg.includes('=') && takesValue.has(arg)) i++;
      continue;
    }
    // A cluster of short flags (-dq); the first that takes a value takes the rest, or the next argument.
    for (let c = 1; c < arg.length; c++) {
      const flag = `-${arg[c]}`;
      if (flag === '-h') return { help: true, version };
      if (flag === '-v') version = true;
      if (!takesValue.has(flag)) continue;
      if (c === arg.length - 1) i++;
      break;
    }
  }
  return { help: false, version };
}

/**
 * The first operand after `cmd`'s own options: the subcommand's name, if any.
 * Undefined when help is asked for before it (`berth --help up` prints the root's help).
 */
export function commandWord(cmd: Command, args: readonly string[]): CommandWord | undefined {
  const s = scan(cmd, args);
  return s.help ? undefined : s.named;
}

/**
 * `berth -v` (or --version) with no command and no help: commander prints the version
 * from the root's options alone, so no command group need be loaded.
 */
export function versionOnly(cmd: Command, args: readonly string[]): boolean {
  const s = scan(cmd, args);
  return s.version && !s.help && s.named === undefined;
}

/**
 * The one entry that registers `word`; every entry (in order) when the word is missing or
 * unknown, so help and "unknown command" stay what they are with everything registered.
 */
export function entriesFor<T extends Named>(entries: readonly T[], word: string | undefined): readonly T[] {
  const named = word === undefined ? [] : entries.filter((e) => e.words.includes(word));
  return named.length === 1 ? named : entries;
}
