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

/**
 * A docker boolean flag (`--sig-proxy`, `--sig-proxy=false`): bare is true, a value is read as
 * Go's strconv.ParseBool reads it (1/t/true/TRUE/True, 0/f/false/FALSE/False); anything else is
 * docker's usage error.
 */
const TRUE_WORDS = ['1', 't', 'T', 'true', 'TRUE', 'True'];
const FALSE_WORDS = ['0', 'f', 'F', 'false', 'FALSE', 'False'];

export function parseBoolFlag(name: string, value: string | boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  if (TRUE_WORDS.includes(value)) return true;
  if (FALSE_WORDS.includes(value)) return false;
  throw new BerthError('usage', `invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`);
}

/**
 * Such a flag where commander lets it take a value (`--sig-proxy [bool]`): docker's bare
 * `--sig-proxy IMAGE` reaches the action as the flag's value IMAGE. A value that is not a
 * boolean is that operand: the flag is true and the word goes back before the operands.
 */
export function boolFlagOrOperand(value: string | boolean | undefined, fallback: boolean): { value: boolean; operand?: string } {
  if (typeof value !== 'string' || TRUE_WORDS.includes(value) || FALSE_WORDS.includes(value)) return { value: parseBoolFlag('', value, fallback) };
  return { value: true, operand: value };
}
