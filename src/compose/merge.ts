import type { KeyPath } from './errors.js';
import type { TaggedPath } from './load.js';
import { copyPosition } from './positions.js';
import { deletePath, isRecord, lookupPath, pattern, type PathPattern } from './tree-path.js';

// Merging compose trees by Compose's rules (compose-go override/merge.go): mappings merge
// deeply and the later file wins on scalars; some sequences are maps in disguise
// (environment, labels, ...) and merge by key; some are replaced whole (command,
// entrypoint, healthcheck.test); the rest are appended and then de-duplicated by each
// entry's identity (volumes by target, ports by address, secrets by target, ...), the
// later entry taking the earlier one's place. `!reset` and `!override` paths of the later
// file are first removed from the earlier tree, so the later file's value replaces it.

type Strategy = 'replace' | 'keyed' | 'networks' | 'depends_on' | 'build' | 'logging' | 'extra_hosts';
type Identity = (entry: unknown) => string | undefined;

const STRATEGIES: readonly (readonly [PathPattern, Strategy])[] = [
  ...['command', 'entrypoint', 'healthcheck.test'].map((k) => [pattern(`services.*.${k}`), 'replace'] as const),
  ...['environment', 'labels', 'annotations', 'sysctls', 'build.args', 'build.labels', 'build.additional_contexts', 'deploy.labels', 'volumes.*.volume.labels'].map(
    (k) => [pattern(`services.*.${k}`), 'keyed'] as const,
  ),
  [pattern('networks.*.labels'), 'keyed'],
  [pattern('volumes.*.labels'), 'keyed'],
  [pattern('secrets.*.labels'), 'keyed'],
  [pattern('configs.*.labels'), 'keyed'],
  [pattern('services.*.extra_hosts'), 'extra_hosts'],
  [pattern('services.*.build.extra_hosts'), 'extra_hosts'],
  [pattern('services.*.networks'), 'networks'],
  [pattern('services.*.depends_on'), 'depends_on'],
  [pattern('services.*.build'), 'build'],
  [pattern('services.*.logging'), 'logging'],
];

const text: Identity = (e) => (typeof e === 'string' || typeof e === 'number' ? String(e) : undefined);

/** Target of a short volume spec "src:target[:mode]" or "target". */
function volumeTarget(spec: string): string {
  const parts = spec.split(':');
  return parts.length === 1 ? spec : (parts[1] ?? spec);
}

const volumeIdentity: Identity = (e) => (typeof e === 'string' ? volumeTarget(e) : isRecord(e) && typeof e.target === 'string' ? e.target : undefined);

/** Ports are unique by {host ip, published, target, protocol}, whichever syntax wrote them. */
const portIdentity: Identity = (e) => {
  if (isRecord(e)) return `${String(e.host_ip ?? '')}:${String(e.published ?? '')}:${String(e.target)}/${String(e.protocol ?? 'tcp')}`;
  if (typeof e !== 'string' && typeof e !== 'number') return undefined;
  let spec = String(e);
  let protocol = 'tcp';
  const slash = spec.lastIndexOf('/');
  if (slash >= 0) [spec, protocol] = [spec.slice(0, slash), spec.slice(slash + 1)];
  let ip = '';
  if (spec.startsWith('[')) {
    const close = spec.indexOf(']');
    ip = spec.slice(1, close);
    spec = spec.slice(close + 2);
  }
  const parts = spec.split(':');
  const target = parts.pop() ?? '';
  const published = parts.pop() ?? '';
  if (parts.length > 0) ip = parts.join(':');
  return `${ip}:${published}:${target}/${protocol}`;
};

const mountIdentity =
  (dir: string): Identity =>
  (e) => {
    if (typeof e === 'string') return `${dir}/${e}`;
    if (!isRecord(e)) return undefined;
    if (typeof e.target === 'string') return e.target.startsWith('/') ? e.target : `${dir}/${e.target}`;
    return typeof e.source === 'string' ? `${dir}/${e.source}` : undefined;
  };

const envFileIdentity: Identity = (e) => (typeof e === 'string' ? e : isRecord(e) && typeof e.path === 'string' ? e.path : undefined);

const exposeIdentity: Identity = (e) => (typeof e === 'string' || typeof e === 'number' ? String(e).replace(/\/tcp$/, '') : undefined);

const IDENTITIES: readonly (readonly [PathPattern, Identity])[] = [
  [pattern('services.*.volumes'), volumeIdentity],
  [pattern('services.*.ports'), portIdentity],
  [pattern('services.*.secrets'), mountIdentity('/run/secrets')],
  [pattern('services.*.configs'), mountIdentity('')],
  [pattern('services.*.devices'), (e) => (typeof e === 'string' ? volumeTarget(e) : isRecord(e) ? String(e.target ?? e.source) : undefined)],
  [pattern('services.*.env_file'), envFileIdentity],
  [pattern('services.*.label_file'), text],
  [pattern('services.*.expose'), exposeIdentity],
  ...['dns', 'dns_opt', 'dns_search', 'cap_add', 'cap_drop', 'links', 'profiles', 'tmpfs', 'external_links', 'security_opt', 'group_add', 'volumes_from', 'build.tags', 'build.platforms', 'build.cache_from', 'build.cache_to', 'networks.*.aliases', 'networks.*.link_local_ips'].map(
    (k) => [pattern(`services.*.${k}`), text] as const,
  ),
];

/** Merge `over` into `base` in place and return `base`. */
export function mergeTrees(base: Record<string, unknown>, over: Record<string, unknown>, overTags: readonly TaggedPath[] = []): Record<string, unknown> {
  for (const { path } of overTags) deletePath(base, path);
  mergeMapping(base, over, []);
  return base;
}

function mergeMapping(base: Record<string, unknown>, over: Record<string, unknown>, path: KeyPath): void {
  for (const [key, value] of Object.entries(over)) {
    const childPath = [...path, key];
    // Extensions (`x-*`) are opaque to Compose: a later one replaces the earlier whole.
    if (!Object.prototype.hasOwnProperty.call(base, key) || key.startsWith('x-')) {
      base[key] = value;
      copyPosition(base, key, over, key);
      continue;
    }
    const merged = mergeValue(base[key], value, childPath);
    // Merged in place, the entry stays where the earlier file wrote it; replaced, it moves.
    if (merged !== base[key]) copyPosition(base, key, over, key);
    base[key] = merged;
  }
}

function mergeValue(base: unknown, over: unknown, path: KeyPath): unknown {
  const strategy = lookupPath(STRATEGIES, path);
  switch (strategy) {
    case 'replace':
      return over;
    case 'keyed':
      return mergeKeyed(base, over, path, (s) => splitOnce(s, '='));
    case 'extra_hosts':
      return mergeKeyed(base, over, path, (s) => (s.includes('=') ? splitOnce(s, '=') : splitOnce(s, ':')));
    case 'networks':
      return mergeKeyed(base, over, path, (s) => [s, null]);
    case 'depends_on':
      return mergeKeyed(base, over, path, (s) => [s, { condition: 'service_started' }]);
    case 'build': {
      // `build: ./dir` is short for `build: { context: ./dir }`.
      const b = typeof base === 'string' ? { context: base } : base;
      const o = typeof over === 'string' ? { context: over } : over;
      if (!isRecord(b) || !isRecord(o)) return over;
      mergeMapping(b, o, path);
      return b;
    }
    case 'logging':
      if (isRecord(base) && isRecord(over) && base.driver !== undefined && over.driver !== undefined && base.driver !== over.driver) return over;
      break;
    default:
      break;
  }
  if (isRecord(base) && isRecord(over)) {
    mergeMapping(base, over, path);
    return base;
  }
  if (Array.isArray(base) && Array.isArray(over)) return mergeSequence(base, over, path);
  return over;
}

function splitOnce(s: string, sep: string): [string, unknown] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, null] : [s.slice(0, at), s.slice(at + 1)];
}

/** A list of "K=V" (or names) as a mapping; undefined when it is not such a list. */
function toMapping(value: unknown, split: (s: string) => [string, unknown]): Record<string, unknown> | undefined {
  if (isRecord(value)) return value;
  if (!Array.isArray(value) || !value.every((e) => typeof e === 'string')) return undefined;
  const out: Record<string, unknown> = {};
  value.forEach((entry, i) => {
    const [k, v] = split(entry as string);
    out[k] = v;
    copyPosition(out, k, value, i);
  });
  return out;
}

function mergeKeyed(base: unknown, over: unknown, path: KeyPath, split: (s: string) => [string, unknown]): unknown {
  const b = toMapping(base, split);
  const o = toMapping(over, split);
  if (!b || !o) return Array.isArray(base) && Array.isArray(over) ? mergeSequence(base, over, path) : over;
  mergeMapping(b, o, path);
  return b;
}

function mergeSequence(base: unknown[], over: unknown[], path: KeyPath): unknown[] {
  const all = [...base, ...over];
  const out: unknown[] = [];
  const sources: [unknown[], number][] = [...base.map((_, i) => [base, i] as [unknown[], number]), ...over.map((_, i) => [over, i] as [unknown[], number])];
  const identity = lookupPath(IDENTITIES, path);
  const seen = new Map<string, number>();
  all.forEach((entry, i) => {
    const id = identity?.(entry);
    const [from, at] = sources[i] as [unknown[], number];
    const existing = id === undefined ? undefined : seen.get(id);
    const slot = existing ?? out.length;
    if (existing === undefined && id !== undefined) seen.set(id, slot);
    out[slot] = entry;
    copyPosition(out, slot, from, at);
  });
  return out;
}

/** Merge several parsed documents in order, each one's tags applying to what came before. */
export function mergeAll(docs: readonly { tree: Record<string, unknown>; tags: readonly TaggedPath[] }[]): Record<string, unknown> {
  const [first, ...rest] = docs;
  const base = first ? first.tree : {};
  for (const doc of rest) mergeTrees(base, doc.tree, doc.tags);
  return base;
}
