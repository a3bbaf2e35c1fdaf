import type { KeyPath, Locator, SourcePosition } from './errors.js';

// Source positions live beside the tree, not in it: every mapping and sequence object
// remembers where each of its entries was written. The tree stays a plain
// Record<string, unknown>; phases that keep object identity keep positions for free, and
// phases that move entries link the new place to the old one (copyPosition).
//
// Positions are only needed when something goes wrong, so they are found lazily: the
// loader registers, for every container it produced, how to work them out (a slower,
// exact re-parse of that document), and the first lookup that needs one does it.

type Container = object;
type Key = string | number;
interface Link {
  from: Container;
  key: Key;
}
type Entry = SourcePosition | Link;

const table = new WeakMap<Container, Map<Key, Entry>>();
const origins = new WeakMap<Container, () => void>();

function entries(container: Container): Map<Key, Entry> {
  let map = table.get(container);
  if (!map) {
    map = new Map();
    table.set(container, map);
  }
  return map;
}

export function setPosition(container: Container, key: Key, pos: SourcePosition | undefined): void {
  if (pos !== undefined) entries(container).set(key, pos);
}

/** Set a position unless the entry already has one (or a link): used when filling lazily. */
export function setPositionIfAbsent(container: Container, key: Key, pos: SourcePosition | undefined): void {
  if (pos === undefined) return;
  const map = entries(container);
  if (!map.has(key)) map.set(key, pos);
}

/** `to[toKey]` was written where `from[fromKey]` was (resolved when asked). */
export function copyPosition(to: Container, toKey: Key, from: Container, fromKey: Key): void {
  if (to === from && toKey === fromKey) return;
  entries(to).set(toKey, { from, key: fromKey });
}

/** Register how the positions of a container's entries can be worked out when needed. */
export function registerOrigin(container: Container, materialize: () => void): void {
  origins.set(container, materialize);
}


export function positionOf(container: Container, key: Key): SourcePosition | undefined {
  let from = container;
  let at = key;
  for (let hops = 0; hops < 64; hops++) {
    let entry = table.get(from)?.get(at);
    if (entry === undefined) {
      const materialize = origins.get(from);
      if (!materialize) return undefined;
      materialize();
      entry = table.get(from)?.get(at);
      if (entry === undefined) return undefined;
    }
    if (!('from' in entry)) return entry;
    from = entry.from;
    at = entry.key;
  }
  return undefined;
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
