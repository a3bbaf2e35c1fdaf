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

const PATTERNS = CASTS.map(([path, cast]) => ({ parts: path.split('.'), cast }));

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
  for (const { parts, cast } of PATTERNS) apply(tree, parts, 0, cast);
}

function apply(node: unknown, parts: readonly string[], at: number, cast: Cast): void {
  if (typeof node !== 'object' || node === null) return;
  const part = parts[at] as string;
  const last = at === parts.length - 1;
  const keys: (string | number)[] =
    part === '[]' ? (Array.isArray(node) ? node.map((_, i) => i) : []) : part === '*' ? (Array.isArray(node) ? [] : Object.keys(node)) : [part];
  const container = node as Record<string | number, unknown>;
  for (const key of keys) {
    if (Array.isArray(node) && typeof key !== 'number') continue;
    const child = container[key];
    if (last) {
      if (typeof child === 'string') container[key] = convert(child, cast);
    } else {
      apply(child, parts, at + 1, cast);
    }
  }
}
