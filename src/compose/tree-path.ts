import type { KeyPath } from './errors.js';

// Per-key tables are keyed by tree path patterns: `services.*.ports` where `*` matches any
// one key or index.

export type PathPattern = readonly string[];

export const pattern = (p: string): PathPattern => p.split('.');

export function matchesPath(pat: PathPattern, path: KeyPath): boolean {
  if (pat.length !== path.length) return false;
  return pat.every((part, i) => part === '*' || part === String(path[i]));
}

/** The value of the first entry whose pattern matches `path`. */
export function lookupPath<T>(table: readonly (readonly [PathPattern, T])[], path: KeyPath): T | undefined {
  for (const [pat, value] of table) if (matchesPath(pat, path)) return value;
  return undefined;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Remove the entry at `path` (used by !reset / !override). */
export function deletePath(root: Record<string, unknown>, path: KeyPath): void {
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (typeof node !== 'object' || node === null) return;
    node = (node as Record<string | number, unknown>)[path[i] as string | number];
  }
  const last = path[path.length - 1];
  if (last === undefined || typeof node !== 'object' || node === null) return;
  if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
  else if (Array.isArray(node)) {
    // `FOO: !reset` against a list-shaped mapping (environment: [FOO=bar]) drops that entry.
    const at = node.findIndex((e) => typeof e === 'string' && (e === last || e.startsWith(`${last}=`)));
    if (at >= 0) node.splice(at, 1);
  } else delete (node as Record<string, unknown>)[String(last)];
}
