import { canonicalOrder } from './canonical-order.js';
import { ComposeError } from './errors.js';

// The typed project model. Field names and shapes follow `docker compose config --format
// json` (compose-go's JSON tags), so JSON.stringify(project) prints what Compose prints.
// Everything here is already canonical: normalize() has turned every short syntax into
// the long one, made paths absolute and filled defaults, and bind() only types the tree.

/** `x-*` keys, kept as they were written. */
export type Extensions = Record<`x-${string}`, unknown>;

/** Go duration string as Compose prints it: "1m30s", "500ms", "0s". */
export type Duration = string;

/** Byte count as Compose prints it in JSON: a decimal string ("536870912"). */
export type UnitBytes = string;

export interface Project {
  name: string;
  services: Record<string, ServiceConfig>;
  networks?: Record<string, NetworkConfig>;
  volumes?: Record<string, VolumeConfig>;
  secrets?: Record<string, SecretConfig>;
  configs?: Record<string, ConfigObjConfig>;
  /** AI models (Compose's `models:`), passed through as written. */
  models?: Record<string, Record<string, unknown>>;
  [extension: `x-${string}`]: unknown;
}

export interface PortConfig {
  name?: string;
  mode: 'ingress' | 'host' | string;
  host_ip?: string;
  target: number;
  /** A port or a range ("8000-8005"); absent when the engine picks a host port. */
  published?: string;
  protocol: 'tcp' | 'udp' | string;
  app_protocol?: string;
}

export interface ServiceVolumeBind {
  selinux?: 'z' | 'Z' | string;
  propagation?: string;
  create_host_path?: boolean;
  recursive?: string;
}

export interface ServiceVolumeVolume {
  labels?: Record<string, string>;
  nocopy?: boolean;
  subpath?: string;
}

export interface ServiceVolumeTmpfs {
  size?: UnitBytes | number;
  mode?: number;
}

export interface ServiceVolumeImage {
  subpath?: string;
}

export interface ServiceVolumeConfig {
  type: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  /** Absolute host path (bind), volume key (volume), absent for anonymous volumes and tmpfs. */
  source?: string;
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: ServiceVolumeBind;
  volume?: ServiceVolumeVolume;
  tmpfs?: ServiceVolumeTmpfs;
  image?: ServiceVolumeImage;
}

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface ServiceDependency {
  condition: DependencyCondition;
  /** Restart this service when the dependency is restarted (omitted when false, as Compose does). */
  restart?: boolean;
  required: boolean;
}

export interface HealthcheckConfig {
  /** ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"]. */
  test?: string[];
  timeout?: Duration;
  interval?: Duration;
  retries?: number;
  start_period?: Duration;
  start_interval?: Duration;
  disable?: boolean;
}

export interface BuildConfig {
  /** Absolute directory, or a URL (git, http) kept as written. */
  context: string;
  dockerfile?: string;
  dockerfile_inline?: string;
  args?: Record<string, string | null>;
  ssh?: string[];
  labels?: Record<string, string>;
  cache_from?: string[];
  cache_to?: string[];
  no_cache?: boolean;
  additional_contexts?: Record<string, string>;
  network?: string;
  pull?: boolean;
  target?: string;
  shm_size?: UnitBytes;
  extra_hosts?: string[];
  isolation?: string;
  privileged?: boolean;
  secrets?: ServiceSecretConfig[];
  tags?: string[];
  ulimits?: Record<string, UlimitsConfig>;
  platforms?: string[];
  entitlements?: string[];
}

export interface ServiceNetworkConfig {
  priority?: number;
  gw_priority?: number;
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  link_local_ips?: string[];
  mac_address?: string;
  driver_opts?: Record<string, string>;
  interface_name?: string;
}

export interface UlimitsConfig {
  soft: number;
  hard: number;
}

export interface ResourceLimit {
  cpus?: number;
  memory?: UnitBytes;
  pids?: number;
}

export interface DeviceRequest {
  capabilities?: string[];
  driver?: string;
  count?: number;
  device_ids?: string[];
  options?: Record<string, string>;
}

export interface ResourceReservation {
  cpus?: number;
  memory?: UnitBytes;
  generic_resources?: unknown[];
  devices?: DeviceRequest[];
}

export interface RestartPolicy {
  condition?: string;
  delay?: Duration;
  max_attempts?: number;
  window?: Duration;
}

export interface UpdateConfig {
  parallelism?: number;
  delay?: Duration;
  failure_action?: string;
  monitor?: Duration;
  max_failure_ratio?: number;
  order?: string;
}

export interface DeployConfig {
  mode?: string;
  replicas?: number;
  labels?: Record<string, string>;
  update_config?: UpdateConfig;
  rollback_config?: UpdateConfig;
  resources?: { limits?: ResourceLimit; reservations?: ResourceReservation };
  restart_policy?: RestartPolicy;
  placement?: { constraints?: string[]; preferences?: { spread?: string }[]; max_replicas_per_node?: number };
  endpoint_mode?: string;
}

export interface EnvFile {
  /** Absolute path. */
  path: string;
  required: boolean;
  format?: string;
}

export interface ServiceFileReference {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export type ServiceSecretConfig = ServiceFileReference;
export type ServiceConfigObjConfig = ServiceFileReference;

export interface LoggingConfig {
  driver?: string;
  options?: Record<string, string | null>;
}

export interface DeviceMapping {
  source: string;
  target?: string;
  permissions?: string;
}

export interface DevelopWatch {
  path: string;
  action: 'sync' | 'rebuild' | 'restart' | 'sync+restart' | 'sync+exec' | string;
  target?: string;
  ignore?: string[];
  include?: string[];
  initial_sync?: boolean;
  exec?: { command: string[]; user?: string; privileged?: boolean; working_dir?: string; environment?: Record<string, string | null> };
}

export interface DevelopConfig {
  watch?: DevelopWatch[];
}

export interface ServiceHook {
  command: string[];
  user?: string;
  privileged?: boolean;
  working_dir?: string;
  environment?: Record<string, string | null>;
}

export interface ServiceConfig {
  profiles?: string[];
  annotations?: Record<string, string>;
  attach?: boolean;
  build?: BuildConfig;
  develop?: DevelopConfig;
  blkio_config?: Record<string, unknown>;
  cap_add?: string[];
  cap_drop?: string[];
  cgroup_parent?: string;
  cgroup?: 'host' | 'private' | string;
  cpu_count?: number;
  cpu_percent?: number;
  cpu_period?: number;
  cpu_quota?: number;
  cpu_rt_period?: number;
  cpu_rt_runtime?: number;
  cpus?: number;
  cpuset?: string;
  cpu_shares?: number;
  /** Always present in Compose's JSON: null means "use the image's". */
  command: string[] | null;
  configs?: ServiceConfigObjConfig[];
  container_name?: string;
  credential_spec?: Record<string, unknown>;
  depends_on?: Record<string, ServiceDependency>;
  deploy?: DeployConfig;
  device_cgroup_rules?: string[];
  devices?: DeviceMapping[];
  dns?: string[];
  dns_opt?: string[];
  dns_search?: string[];
  domainname?: string;
  /** Always present in Compose's JSON: null means "use the image's". */
  entrypoint: string[] | null;
  /** null values are variables named without a value, resolved from the host at run time. */
  environment?: Record<string, string | null>;
  env_file?: EnvFile[];
  expose?: string[];
  external_links?: string[];
  /** "host=ip" entries, sorted, as Compose prints them. */
  extra_hosts?: string[];
  group_add?: string[];
  gpus?: DeviceRequest[];
  hostname?: string;
  healthcheck?: HealthcheckConfig;
  image?: string;
  init?: boolean;
  ipc?: string;
  isolation?: string;
  labels?: Record<string, string>;
  label_file?: string[];
  links?: string[];
  logging?: LoggingConfig;
  mem_limit?: UnitBytes;
  mem_reservation?: UnitBytes;
  memswap_limit?: UnitBytes;
  mem_swappiness?: number;
  mac_address?: string;
  models?: string[] | Record<string, { endpoint_var?: string; model_var?: string } | null>;
  network_mode?: string;
  /** Absent only when network_mode is set; null entries attach with defaults. */
  networks?: Record<string, ServiceNetworkConfig | null>;
  oom_kill_disable?: boolean;
  oom_score_adj?: number;
  pid?: string;
  pids_limit?: number;
  platform?: string;
  ports?: PortConfig[];
  post_start?: ServiceHook[];
  provider?: { type: string; options?: Record<string, unknown> };
  pre_stop?: ServiceHook[];
  privileged?: boolean;
  pull_policy?: 'always' | 'never' | 'missing' | 'build' | 'if_not_present' | string;
  read_only?: boolean;
  restart?: string;
  runtime?: string;
  scale?: number;
  secrets?: ServiceSecretConfig[];
  security_opt?: string[];
  shm_size?: UnitBytes;
  stdin_open?: boolean;
  stop_grace_period?: Duration;
  stop_signal?: string;
  storage_opt?: Record<string, string>;
  sysctls?: Record<string, string>;
  tmpfs?: string[];
  tty?: boolean;
  ulimits?: Record<string, UlimitsConfig>;
  user?: string;
  userns_mode?: string;
  uts?: string;
  volume_driver?: string;
  volumes?: ServiceVolumeConfig[];
  volumes_from?: string[];
  working_dir?: string;
  [extension: `x-${string}`]: unknown;
}

export interface IpamPool {
  subnet?: string;
  ip_range?: string;
  gateway?: string;
  aux_addresses?: Record<string, string>;
}

export interface IpamConfig {
  driver?: string;
  config?: IpamPool[];
  options?: Record<string, string>;
}

export interface NetworkConfig {
  /** The engine-side name: "<project>_<key>" unless set, or the key when external. */
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  /** Always present in Compose's JSON, possibly {}. */
  ipam: IpamConfig;
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  labels?: Record<string, string>;
  enable_ipv4?: boolean;
  enable_ipv6?: boolean;
  [extension: `x-${string}`]: unknown;
}

export interface VolumeConfig {
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels?: Record<string, string>;
  [extension: `x-${string}`]: unknown;
}

export interface FileObjectConfig {
  name: string;
  /** Absolute path. */
  file?: string;
  environment?: string;
  content?: string;
  external?: boolean;
  labels?: Record<string, string>;
  driver?: string;
  driver_opts?: Record<string, string>;
  template_driver?: string;
  [extension: `x-${string}`]: unknown;
}

export type SecretConfig = FileObjectConfig;
export type ConfigObjConfig = FileObjectConfig;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function requireRecord(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw new ComposeError('invalid_value', `${what} must be a mapping`);
  return value;
}

/**
 * Types a normalized tree as a Project. The tree has passed the schema check and
 * normalize(), so this only asserts the invariants normalize() guarantees (and that
 * consumers rely on) rather than re-validating every field.
 */
export function bind(tree: Record<string, unknown>): Project {
  const copy = structuredClone(tree);
  if (typeof copy.name !== 'string' || copy.name === '') throw new ComposeError('invalid_value', 'project name is missing');
  const services = requireRecord(copy.services ?? {}, 'services');
  copy.services = services;
  for (const [name, raw] of Object.entries(services)) {
    const svc = requireRecord(raw, `services.${name}`);
    for (const key of ['command', 'entrypoint'] as const) {
      const v = svc[key];
      if (v === undefined) svc[key] = null;
      else if (v !== null && !(Array.isArray(v) && v.every((s) => typeof s === 'string'))) {
        throw new ComposeError('invalid_value', `services.${name}.${key} was not normalized to a list of strings`);
      }
    }
  }
  for (const section of ['networks', 'volumes', 'secrets', 'configs'] as const) {
    const entries = copy[section];
    if (entries === undefined) continue;
    for (const [key, raw] of Object.entries(requireRecord(entries, section))) {
      const res = requireRecord(raw, `${section}.${key}`);
      if (typeof res.name !== 'string') throw new ComposeError('invalid_value', `${section}.${key} has no name (not normalized)`);
      if (section === 'networks' && res.ipam === undefined) res.ipam = {};
    }
  }
  return canonicalOrder(copy) as unknown as Project;
}
