import type { KeyPath, Locator, SourcePosition } from './errors.js';

// Source positions live beside the tree, not in it: every mapping and sequence object
// remembers where each of its entries was written. The tree stays a plain
// Record<string, unknown>, phases that keep object identity keep positions for free, and
// phases that build new containers copy the positions of the entries they move.

type Container = object;
const table = new WeakMap<Container, Map<string | number, SourcePosition>>();

export function setPosition(container: Container, key: string | number, pos: SourcePosition | undefined): void {
  if (pos === undefined) return;
  let entries = table.get(container);
  if (!entries) {
    entries = new Map();
    table.set(container, entries);
  }
  entries.set(key, pos);
}

export function positionOf(container: Container, key: string | number): SourcePosition | undefined {
  return table.get(container)?.get(key);
}

/** Copy the position recorded for `from[fromKey]` to `to[toKey]`. */
export function copyPosition(to: Container, toKey: string | number, from: Container, fromKey: string | number): void {
  setPosition(to, toKey, positionOf(from, fromKey));
}

const isContainer = (v: unknown): v is Record<string | number, unknown> => typeof v === 'object' && v !== null;

/** Deep copy of a tree that carries the positions along. */
export function cloneTree<T>(value: T): T {
  if (Array.isArray(value)) {
    const out: unknown[] = value.map((item) => cloneTree(item));
    value.forEach((_, i) => copyPosition(out, i, value, i));
    return out as T;
  }
  if (isContainer(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = cloneTree(v);
      copyPosition(out, k, value, k);
    }
    return out as T;
  }
  return value;
}

/**
 * The index a key path part names in a sequence: a number, or for list-shaped mappings
 * (depends_on: [db], networks: [front], environment: [A=1]) the entry that names it.
 */
function indexIn(list: unknown[], part: string | number): number {
  if (typeof part === 'number') return part;
  return list.findIndex((e) => typeof e === 'string' && (e === part || e.startsWith(`${part}=`)));
}

/**
 * A Locator over a tree: follows the key path from the root and answers the deepest
 * position known on the way, so a path that a later phase invented (ports[0].target for
 * a short "8080:80") still lands on the node it came from.
 */
export function treeLocator(root: Record<string, unknown>, fallback?: SourcePosition): Locator {
  return {
    locate(path: KeyPath): SourcePosition | undefined {
      let best = fallback;
      let node: unknown = root;
      for (const part of path) {
        if (!isContainer(node)) break;
        const key = Array.isArray(node) ? indexIn(node, part) : String(part);
        const pos = positionOf(node, key);
        if (pos) best = pos;
        node = (node as Record<string | number, unknown>)[key];
      }
      return best;
    },
  };
}
