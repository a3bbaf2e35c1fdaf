import { BerthError } from '../errors.js';

// The KEY=VALUE flags of the single-container commands, parsed one way for all of them.

/** `-f name=value` flags → the Engine API's filters object; a filter without "=" is docker's usage error. */
export function parseFilterFlags(flags: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new BerthError('usage', `bad format of filter (expected name=value): ${flag}`);
    (out[flag.slice(0, eq)] ??= []).push(flag.slice(eq + 1));
  }
  return out;
}

/** The same, as the `filters` query parameter: undefined when there are none. */
export function filtersParam(flags: readonly string[]): string | undefined {
  return flags.length > 0 ? JSON.stringify(parseFilterFlags(flags)) : undefined;
}

/**
 * `KEY=VALUE` flags (--label, --opt, --sysctl) → an object. A bare KEY is KEY="" as docker
 * takes a label; with `strictFlag` (a sysctl needs its value) it is a usage error naming it.
 */
export function keyValueFlags(items: readonly string[], strictFlag?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq < 0 && strictFlag === undefined) {
      out[item] = '';
      continue;
    }
    if (eq <= 0) throw new BerthError('usage', `invalid ${strictFlag ?? 'flag'} ${JSON.stringify(item)}: expected KEY=VALUE`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

const TRUE_WORDS = ['1', 't', 'T', 'true', 'TRUE', 'True'];
const FALSE_WORDS = ['0', 'f', 'F', 'false', 'FALSE', 'False'];

/**
 * The value of a docker boolean flag (`--rm=false`, see berth-command.ts), read as Go's
 * strconv.ParseBool reads it; anything else is docker's usage error.
 */
export function parseBoolFlag(name: string, value: string): boolean {
  if (TRUE_WORDS.includes(value)) return true;
  if (FALSE_WORDS.includes(value)) return false;
  throw new BerthError('usage', `invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`);
}

/**
 * The value of a docker integer flag (`--pids-limit 100`), read as Go's strconv.ParseInt
 * reads it (pflag's int flags); anything else is docker's usage error, not a silent default.
 */
export function parseIntFlag(name: string, value: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw new BerthError('usage', `invalid argument "${value}" for "--${name}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new BerthError('usage', `invalid argument "${value}" for "--${name}" flag: strconv.ParseInt: parsing "${value}": value out of range`);
  return n;
}
