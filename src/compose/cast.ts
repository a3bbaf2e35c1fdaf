// After interpolation every substituted value is a string, but the schema wants numbers
// and booleans in some places ("${REPLICAS}" under deploy.replicas). This table, keyed
// by tree path as compose-go's interpolation casts are, turns such strings back into the
// type the schema expects. A string that does not convert is left alone for the schema
// check to report with its position.

type Cast = 'int' | 'float' | 'bool';

// `*` matches any mapping key, `[]` any sequence index.
const CASTS: readonly (readonly [string, Cast])[] = [
  ['services.*.configs.[].mode', 'int'],
  ['services.*.secrets.[].mode', 'int'],
  ['services.*.cpu_count', 'int'],
  ['services.*.cpu_percent', 'float'],
  ['services.*.cpu_period', 'int'],
  ['services.*.cpu_quota', 'int'],
  ['services.*.cpu_rt_period', 'int'],
  ['services.*.cpu_rt_runtime', 'int'],
  ['services.*.cpus', 'float'],
  ['services.*.cpu_shares', 'int'],
  ['services.*.init', 'bool'],
  ['services.*.attach', 'bool'],
  ['services.*.deploy.replicas', 'int'],
  ['services.*.deploy.update_config.parallelism', 'int'],
  ['services.*.deploy.update_config.max_failure_ratio', 'float'],
  ['services.*.deploy.rollback_config.parallelism', 'int'],
  ['services.*.deploy.rollback_config.max_failure_ratio', 'float'],
  ['services.*.deploy.restart_policy.max_attempts', 'int'],
  ['services.*.deploy.placement.max_replicas_per_node', 'int'],
  ['services.*.deploy.resources.limits.cpus', 'float'],
  ['services.*.deploy.resources.limits.pids', 'int'],
  ['services.*.deploy.resources.reservations.cpus', 'float'],
  ['services.*.depends_on.*.required', 'bool'],
  ['services.*.depends_on.*.restart', 'bool'],
  ['services.*.healthcheck.retries', 'int'],
  ['services.*.healthcheck.disable', 'bool'],
  ['services.*.mem_swappiness', 'int'],
  ['services.*.oom_kill_disable', 'bool'],
  ['services.*.oom_score_adj', 'int'],
  ['services.*.pids_limit', 'int'],
  ['services.*.ports.[].target', 'int'],
  ['services.*.privileged', 'bool'],
  ['services.*.read_only', 'bool'],
  ['services.*.scale', 'int'],
  ['services.*.stdin_open', 'bool'],
  ['services.*.tty', 'bool'],
  ['services.*.ulimits.*', 'int'],
  ['services.*.ulimits.*.hard', 'int'],
  ['services.*.ulimits.*.soft', 'int'],
  ['services.*.volumes.[].read_only', 'bool'],
  ['services.*.volumes.[].bind.create_host_path', 'bool'],
  ['services.*.volumes.[].volume.nocopy', 'bool'],
  ['services.*.build.no_cache', 'bool'],
  ['services.*.build.pull', 'bool'],
  ['services.*.build.privileged', 'bool'],
  ['services.*.networks.*.priority', 'int'],
  ['services.*.networks.*.gw_priority', 'int'],
  ['services.*.develop.watch.[].initial_sync', 'bool'],
  ['networks.*.external', 'bool'],
  ['networks.*.internal', 'bool'],
  ['networks.*.attachable', 'bool'],
  ['networks.*.enable_ipv4', 'bool'],
  ['networks.*.enable_ipv6', 'bool'],
  ['volumes.*.external', 'bool'],
  ['secrets.*.external', 'bool'],
  ['configs.*.external', 'bool'],
];

// The table as a trie, so the tree is walked once whatever the number of entries.
interface Trie {
  children: Map<string, Trie>;
  cast?: Cast;
}

const TRIE: Trie = { children: new Map() };
for (const [path, cast] of CASTS) {
  let node = TRIE;
  for (const part of path.split('.')) {
    let next = node.children.get(part);
    if (!next) {
      next = { children: new Map() };
      node.children.set(part, next);
    }
    node = next;
  }
  node.cast = cast;
}

const TRUE = new Set(['y', 'yes', 'true', 'on']);
const FALSE = new Set(['n', 'no', 'false', 'off']);

function convert(value: string, cast: Cast): unknown {
  const s = value.trim();
  if (cast === 'bool') {
    const lower = s.toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
    return value;
  }
  const re = cast === 'int' ? /^[-+]?\d+$/ : /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
  return re.test(s) ? Number(s) : value;
}

/** Cast strings in place wherever the schema wants a number or a boolean. */
export function castTypes(tree: Record<string, unknown>): void {
  walk(tree, TRIE);
}

function walk(node: unknown, trie: Trie): void {
  if (typeof node !== 'object' || node === null) return;
  const container = node as Record<string | number, unknown>;
  if (Array.isArray(node)) {
    const next = trie.children.get('[]');
    if (next) for (let i = 0; i < node.length; i++) step(container, i, next);
    return;
  }
  // Follow the table, not the tree: only keys the table names are looked at.
  for (const [part, next] of trie.children) {
    if (part === '*') {
      for (const key of Object.keys(container)) step(container, key, next);
    } else if (part !== '[]' && Object.hasOwn(container, part)) {
      step(container, part, next);
    }
  }
}

function step(container: Record<string | number, unknown>, key: string | number, next: Trie): void {
  const child = container[key];
  if (next.cast && typeof child === 'string') container[key] = convert(child, next.cast);
  else if (next.children.size > 0) walk(child, next);
}
