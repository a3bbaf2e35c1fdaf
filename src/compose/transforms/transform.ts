import { normalizeByteSize } from '../byte-size.js';
import { normalizeDuration } from '../duration.js';
import { ComposeError, formatKeyPath, type KeyPath } from '../errors.js';

// Shared shape of the per-key transforms that normalize() looks up by tree path.

export interface NormalizeContext {
  projectName: string;
  projectDirectory: string;
  env: Record<string, string>;
}

/** A process environment as NormalizeContext takes it: the variables that are set. */
export function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export interface TransformContext extends NormalizeContext {
  /** Where the value sits in the tree, e.g. ["services", "web", "ports"]. */
  path: KeyPath;
}

/** Returns the canonical value; undefined removes the key. */
export type Transform = (value: unknown, ctx: TransformContext) => unknown;

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function invalidAt(path: KeyPath, message: string): ComposeError {
  return new ComposeError('invalid_value', `${formatKeyPath(path)} ${message}`, { keyPath: path });
}

/** Scalars as Compose stores them in string-typed fields (YAML numbers and booleans included). */
export function scalarString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

export function toNumber(v: unknown, path: KeyPath): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw invalidAt(path, `must be a number, got ${JSON.stringify(v)}`);
  return n;
}

/** A Go duration ("1m30s"; a bare number is seconds), as compose-go prints it; an error names the key. */
export function toDuration(v: unknown, path: KeyPath): string {
  return convertAt(v, path, 'a duration such as 1m30s', normalizeDuration);
}

/** A byte size ("512m") as its number of bytes, a string as compose-go prints it; an error names the key. */
export function toByteSize(v: unknown, path: KeyPath): string {
  return convertAt(v, path, 'a size such as 512m', normalizeByteSize);
}

function convertAt<T>(v: unknown, path: KeyPath, what: string, convert: (v: string | number) => T): T {
  const bad = (): ComposeError => invalidAt(path, `must be ${what}, got ${JSON.stringify(v)}`);
  if (typeof v !== 'string' && typeof v !== 'number') throw bad();
  try {
    return convert(v);
  } catch (err) {
    if (err instanceof ComposeError) throw bad();
    throw err;
  }
}

export function toBoolean(v: unknown, path: KeyPath): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|yes|y|on|1)$/i.test(v)) return true;
  if (typeof v === 'string' && /^(false|no|n|off|0)$/i.test(v)) return false;
  throw invalidAt(path, `must be a boolean, got ${JSON.stringify(v)}`);
}

/** A string or a list of strings → list (dns, tmpfs, dns_search, profiles...). */
export const stringOrList: Transform = (v) => (Array.isArray(v) ? v.map(scalarString) : v === null ? undefined : [scalarString(v)]);

/** Home directory for "~" paths: the project's environment first, then the process's. */
export function homeDir(env: Record<string, string>): string {
  return env.HOME ?? process.env.HOME ?? '/root';
}
