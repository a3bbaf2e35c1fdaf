import { Option } from 'commander';
import { BerthError } from '../../errors.js';

// Flag helpers shared by the Compose commands.

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--no-attach <service>` takes a value, so it must not become commander's negation of --attach. */
export function valueOption(flags: string, description: string): Option {
  const opt = new Option(flags, description).argParser(collect);
  opt.negate = false;
  return opt;
}

/** `-t, --timeout` seconds, validated. */
export function seconds(value: string | undefined, flag = '--timeout'): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new BerthError('usage', `${flag} must be a whole number of seconds, got ${JSON.stringify(value)}`);
  return n;
}

/** `--index N`: a replica's number, from 1. */
export function replicaIndex(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new BerthError('usage', `invalid --index ${JSON.stringify(value)}: a replica number from 1`);
  return n;
}

/** `--scale web=3` entries → { web: 3 }. */
export function parseScale(entries: string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of entries ?? []) {
    const m = /^([^=]+)=(\d+)$/.exec(entry);
    if (!m) throw new BerthError('usage', `invalid --scale ${JSON.stringify(entry)}: expected SERVICE=NUM`);
    out[m[1] as string] = Number(m[2]);
  }
  return out;
}
