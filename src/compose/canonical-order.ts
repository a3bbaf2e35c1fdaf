// Key order of `docker compose config --format json`: struct fields in compose-go's
// declaration order, map keys sorted (Go's encoding/json sorts them), x-* extensions
// last. Only the order changes, so JSON.stringify(project) reads like Compose's output.

type Tree = Record<string, unknown>;

const PROJECT_FIELDS = ['name', 'services', 'networks', 'volumes', 'secrets', 'configs', 'models'];

const SERVICE_FIELDS = [
  'profiles', 'annotations', 'attach', 'build', 'develop', 'blkio_config', 'cap_add', 'cap_drop', 'cgroup_parent', 'cgroup',
  'cpu_count', 'cpu_percent', 'cpu_period', 'cpu_quota', 'cpu_rt_period', 'cpu_rt_runtime', 'cpus', 'cpuset', 'cpu_shares',
  'command', 'configs', 'container_name', 'credential_spec', 'depends_on', 'deploy', 'device_cgroup_rules', 'devices', 'dns',
  'dns_opt', 'dns_search', 'dockerfile', 'domainname', 'entrypoint', 'provider', 'environment', 'env_file', 'expose', 'extends',
  'external_links', 'extra_hosts', 'group_add', 'gpus', 'hostname', 'healthcheck', 'image', 'init', 'ipc', 'isolation', 'labels',
  'label_file', 'links', 'logging', 'mem_limit', 'mem_reservation', 'memswap_limit', 'mem_swappiness', 'mac_address', 'models',
  'network_mode', 'networks', 'oom_kill_disable', 'oom_score_adj', 'pid', 'pids_limit', 'platform', 'ports', 'privileged',
  'pull_policy', 'pull_refresh_after', 'read_only', 'restart', 'runtime', 'scale', 'secrets', 'security_opt', 'shm_size',
  'stdin_open', 'stop_grace_period', 'stop_signal', 'storage_opt', 'sysctls', 'tmpfs', 'tty', 'ulimits', 'use_api_socket',
  'user', 'userns_mode', 'uts', 'volume_driver', 'volumes', 'volumes_from', 'working_dir', 'post_start', 'pre_stop',
];

const BUILD_FIELDS = [
  'context', 'dockerfile', 'dockerfile_inline', 'entitlements', 'args', 'ssh', 'labels', 'cache_from', 'cache_to', 'no_cache',
  'additional_contexts', 'network', 'provenance', 'sbom', 'pull', 'target', 'shm_size', 'extra_hosts', 'isolation', 'privileged',
  'secrets', 'tags', 'ulimits', 'platforms',
];

/** Service keys whose values are maps (printed with sorted keys). */
const SERVICE_MAPS = ['annotations', 'depends_on', 'environment', 'labels', 'networks', 'storage_opt', 'sysctls', 'ulimits'];

const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

function sortedKeys(map: Tree): Tree {
  const out: Tree = {};
  for (const key of Object.keys(map).sort()) out[key] = map[key];
  return out;
}

/** Known fields in the given order, then unknown non-extension keys, then x-* keys. */
function ordered(obj: Tree, fields: readonly string[]): Tree {
  const out: Tree = {};
  for (const key of fields) if (Object.hasOwn(obj, key)) out[key] = obj[key];
  const rest = Object.keys(obj).filter((k) => !Object.hasOwn(out, k));
  for (const key of rest.filter((k) => !k.startsWith('x-'))) out[key] = obj[key];
  for (const key of rest.filter((k) => k.startsWith('x-')).sort()) out[key] = obj[key];
  return out;
}

function orderService(svc: Tree): Tree {
  const out = ordered(svc, SERVICE_FIELDS);
  for (const key of SERVICE_MAPS) if (isTree(out[key])) out[key] = sortedKeys(out[key]);
  if (isTree(out.build)) {
    const build = ordered(out.build, BUILD_FIELDS);
    for (const key of ['args', 'labels', 'additional_contexts']) if (isTree(build[key])) build[key] = sortedKeys(build[key]);
    out.build = build;
  }
  return out;
}

export function canonicalOrder(project: Tree): Tree {
  const out = ordered(project, PROJECT_FIELDS);
  if (isTree(out.services)) {
    const services: Tree = {};
    for (const name of Object.keys(out.services).sort()) {
      const svc = out.services[name];
      services[name] = isTree(svc) ? orderService(svc) : svc;
    }
    out.services = services;
  }
  for (const section of ['networks', 'volumes', 'secrets', 'configs', 'models']) {
    if (isTree(out[section])) out[section] = sortedKeys(out[section]);
  }
  return out;
}
