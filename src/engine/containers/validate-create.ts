import { invalid } from '../../errors.js';
import { isIpAddress, isIpv4 } from '../../ip-address.js';
import { jsonLogLimits } from './log-options.js';
import type { ContainerConfig, EndpointConfig, HealthConfig, HostConfig, MountSpec, RestartPolicyName } from './model.js';
import { bool, num, obj, objList, str, strList, strMap, type Obj } from './wire-check.js';

// POST /containers/create: the untrusted body becomes typed Config / HostConfig /
// EndpointsConfig, with Docker's defaults, or a 400 naming the offending key.

export interface CreateRequest {
  config: ContainerConfig;
  hostConfig: HostConfig;
  endpoints: Record<string, EndpointConfig>;
}

const RESTART: RestartPolicyName[] = ['', 'no', 'always', 'on-failure', 'unless-stopped'];

export function validateCreate(body: unknown): CreateRequest {
  const b = obj(body, 'body');
  if (!b) throw invalid('config cannot be empty in order to create a container');
  const image = str(b, 'Image', 'Config');
  if (!image) throw invalid('Config.Image must be set');
  const config: ContainerConfig = {
    Hostname: str(b, 'Hostname', 'Config') ?? '',
    Domainname: str(b, 'Domainname', 'Config') ?? '',
    User: str(b, 'User', 'Config') ?? '',
    AttachStdin: bool(b, 'AttachStdin', 'Config') ?? false,
    AttachStdout: bool(b, 'AttachStdout', 'Config') ?? false,
    AttachStderr: bool(b, 'AttachStderr', 'Config') ?? false,
    ExposedPorts: exposedPorts(obj(b.ExposedPorts, 'Config.ExposedPorts')),
    Tty: bool(b, 'Tty', 'Config') ?? false,
    OpenStdin: bool(b, 'OpenStdin', 'Config') ?? false,
    StdinOnce: bool(b, 'StdinOnce', 'Config') ?? false,
    Env: envList(strList(b, 'Env', 'Config') ?? []),
    Cmd: strList(b, 'Cmd', 'Config') ?? null,
    Image: image,
    Volumes: (obj(b.Volumes, 'Config.Volumes') as Record<string, object> | undefined) ?? null,
    WorkingDir: str(b, 'WorkingDir', 'Config') ?? '',
    Entrypoint: strList(b, 'Entrypoint', 'Config') ?? null,
    Labels: strMap(b, 'Labels', 'Config') ?? {},
  };
  const hc = healthcheck(obj(b.Healthcheck, 'Config.Healthcheck'));
  if (hc) config.Healthcheck = hc;
  const stopSignal = str(b, 'StopSignal', 'Config');
  if (stopSignal) config.StopSignal = stopSignal;
  const stopTimeout = num(b, 'StopTimeout', 'Config');
  if (stopTimeout !== undefined) config.StopTimeout = stopTimeout;
  if (config.WorkingDir !== '' && !config.WorkingDir.startsWith('/')) throw invalid(`the working directory '${config.WorkingDir}' is invalid, it needs to be an absolute path`);

  const hostConfig = validateHostConfig(obj(b.HostConfig, 'HostConfig'));
  const nc = obj(b.NetworkingConfig, 'NetworkingConfig');
  const eps = obj(nc?.EndpointsConfig, 'NetworkingConfig.EndpointsConfig') ?? {};
  const endpoints: Record<string, EndpointConfig> = {};
  for (const [net, raw] of Object.entries(eps)) {
    const where = `NetworkingConfig.EndpointsConfig.${net}`;
    const e = obj(raw, where) ?? {};
    const ipam = obj(e.IPAMConfig, `${where}.IPAMConfig`);
    const ip = str(ipam, 'IPv4Address', `${where}.IPAMConfig`);
    if (ip && !isIpv4(ip)) throw invalid(`invalid IPv4 address: ${ip}`);
    const aliases = strList(e, 'Aliases', where) ?? null;
    checkUserNetworkEndpoint(net, aliases ?? [], ip);
    endpoints[net] = { Aliases: aliases, IPAMConfig: ip ? { IPv4Address: ip } : null };
  }
  return { config, hostConfig, endpoints };
}

const PREDEFINED_NETWORKS = new Set(['bridge', 'host', 'none', 'default']);

/** dockerd's rule, by the network's name: the predefined networks take neither aliases nor a chosen address. */
export function checkUserNetworkEndpoint(network: string, aliases: readonly string[], ipv4Address: string | undefined): void {
  if (!PREDEFINED_NETWORKS.has(network)) return;
  if (aliases.length > 0) throw invalid('network-scoped alias is supported only for containers in user defined networks');
  if (ipv4Address) throw invalid('user specified IP address is supported on user defined networks only');
}

export function validateHostConfig(h: Obj | undefined): HostConfig {
  const w = 'HostConfig';
  const rp = obj(h?.RestartPolicy, `${w}.RestartPolicy`);
  const rpName = (str(rp, 'Name', `${w}.RestartPolicy`) ?? '') as RestartPolicyName;
  if (!RESTART.includes(rpName)) throw invalid(`invalid restart policy: unknown policy '${rpName}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`);
  const maxRetry = num(rp, 'MaximumRetryCount', `${w}.RestartPolicy`) ?? 0;
  if (maxRetry < 0) throw invalid('invalid restart policy: maximum retry count cannot be negative');
  if (maxRetry > 0 && rpName !== 'on-failure') throw invalid(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  const autoRemove = bool(h, 'AutoRemove', w) ?? false;
  if (autoRemove && rpName !== '' && rpName !== 'no') throw invalid(`can't create 'AutoRemove' container with restart policy`);
  const logConfig = obj(h?.LogConfig, `${w}.LogConfig`);
  const logType = str(logConfig, 'Type', `${w}.LogConfig`) ?? 'json-file';
  if (logType !== '' && logType !== 'json-file') throw invalid(`logging driver "${logType}" is not supported (only json-file)`);
  jsonLogLimits(strMap(logConfig, 'Config', `${w}.LogConfig`) ?? {});
  const portBindings: HostConfig['PortBindings'] = {};
  for (const [port, raw] of Object.entries(obj(h?.PortBindings, `${w}.PortBindings`) ?? {})) {
    parsePortKey(port, `${w}.PortBindings`);
    const list = raw === null ? [] : raw;
    if (!Array.isArray(list)) throw invalid(`${w}.PortBindings.${port} must be a list`);
    portBindings[port] = list.map((item, i) => {
      const o = obj(item, `${w}.PortBindings.${port}[${i}]`) ?? {};
      const hostPort = str(o, 'HostPort', `${w}.PortBindings.${port}[${i}]`) ?? '';
      // As dockerd's validatePortBindings: a port (range) within 1-65535, an IP address or none.
      const range = /^(\d+)(?:-(\d+))?$/.exec(hostPort);
      if (hostPort !== '' && (!range || Number(range[1]) > 65535 || Number(range[2] ?? range[1]) > 65535 || Number(range[2] ?? range[1]) < Number(range[1]))) {
        throw invalid(`invalid port specification: "${hostPort}"`);
      }
      const hostIp = str(o, 'HostIp', `${w}.PortBindings.${port}[${i}]`) ?? '';
      if (hostIp !== '' && !isIpAddress(hostIp.replace(/^\[(.*)\]$/, '$1'))) throw invalid(`invalid host IP: "${hostIp}"`);
      return { HostIp: hostIp, HostPort: hostPort };
    });
  }
  const ulimits = (objList(h, 'Ulimits', w) ?? []).map((u, i) => {
    const name = str(u, 'Name', `${w}.Ulimits[${i}]`);
    if (!name) throw invalid(`${w}.Ulimits[${i}].Name must be set`);
    return { Name: name, Soft: num(u, 'Soft', `${w}.Ulimits[${i}]`) ?? 0, Hard: num(u, 'Hard', `${w}.Ulimits[${i}]`) ?? 0 };
  });
  const nonNeg = (key: string): number => {
    const v = num(h, key, w) ?? 0;
    if (v < 0 && key !== 'MemorySwap' && key !== 'CpuQuota') throw invalid(`${w}.${key} cannot be negative`);
    return v;
  };
  const memory = nonNeg('Memory');
  if (memory > 0 && memory < 6 * 1024 * 1024) throw invalid('Minimum memory limit allowed is 6MB');
  const nanoCpus = nonNeg('NanoCpus');
  const cpuQuota = nonNeg('CpuQuota');
  if (nanoCpus > 0 && cpuQuota > 0) throw invalid('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  return {
    Binds: strList(h, 'Binds', w) ?? null,
    Mounts: (objList(h, 'Mounts', w) ?? []).map((m, i) => mountSpec(m, `${w}.Mounts[${i}]`)),
    Tmpfs: strMap(h, 'Tmpfs', w) ?? {},
    PortBindings: portBindings,
    PublishAllPorts: bool(h, 'PublishAllPorts', w) ?? false,
    RestartPolicy: { Name: rpName, MaximumRetryCount: maxRetry },
    Memory: memory,
    MemoryReservation: nonNeg('MemoryReservation'),
    MemorySwap: nonNeg('MemorySwap'),
    NanoCpus: nanoCpus,
    CpuShares: nonNeg('CpuShares'),
    CpuQuota: cpuQuota,
    CpuPeriod: nonNeg('CpuPeriod'),
    CpusetCpus: str(h, 'CpusetCpus', w) ?? '',
    // 0 and -1 are "unlimited": dockerd keeps neither (null), as for an absent limit.
    PidsLimit: pidsLimit(num(h, 'PidsLimit', w)),
    Ulimits: ulimits,
    Sysctls: strMap(h, 'Sysctls', w) ?? {},
    CapAdd: strList(h, 'CapAdd', w) ?? null,
    CapDrop: strList(h, 'CapDrop', w) ?? null,
    Privileged: bool(h, 'Privileged', w) ?? false,
    ReadonlyRootfs: bool(h, 'ReadonlyRootfs', w) ?? false,
    Init: bool(h, 'Init', w) ?? null,
    NetworkMode: str(h, 'NetworkMode', w) || 'default',
    ExtraHosts: strList(h, 'ExtraHosts', w) ?? null,
    Dns: dnsServers(strList(h, 'Dns', w) ?? []),
    DnsSearch: strList(h, 'DnsSearch', w) ?? [],
    DnsOptions: strList(h, 'DnsOptions', w) ?? [],
    ShmSize: nonNeg('ShmSize') || 64 * 1024 * 1024,
    VolumesFrom: strList(h, 'VolumesFrom', w) ?? null,
    AutoRemove: autoRemove,
    LogConfig: { Type: 'json-file', Config: strMap(logConfig, 'Config', `${w}.LogConfig`) ?? {} },
    ...consoleSize(h?.ConsoleSize, `${w}.ConsoleSize`),
  };
}

/** HostConfig.ConsoleSize (API 1.42): [height, width]; null or [0, 0] = none. */
function consoleSize(v: unknown, where: string): { ConsoleSize?: [number, number] } {
  if (v === undefined || v === null) return {};
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffff;
  if (!Array.isArray(v) || v.length !== 2 || !ok(v[0]) || !ok(v[1])) throw invalid(`${where} must be [height, width]`);
  return v[0] > 0 && v[1] > 0 ? { ConsoleSize: [v[0], v[1]] } : {};
}

function mountSpec(m: Obj, where: string): MountSpec {
  const type = str(m, 'Type', where) ?? 'volume';
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') throw invalid(`${where}.Type: mount type "${type}" is not supported (bind, volume, tmpfs)`);
  const target = str(m, 'Target', where);
  if (!target || !target.startsWith('/')) throw invalid(`${where}.Target must be an absolute path`);
  const source = str(m, 'Source', where);
  if (type === 'bind' && (!source || !source.startsWith('/'))) throw invalid(`${where}.Source must be an absolute path for a bind mount`);
  if (type === 'tmpfs' && source) throw invalid(`${where}.Source must not be set for a tmpfs mount`);
  const spec: MountSpec = { Type: type, Target: target };
  if (source) spec.Source = source;
  const ro = bool(m, 'ReadOnly', where);
  if (ro !== undefined) spec.ReadOnly = ro;
  const bo = obj(m.BindOptions, `${where}.BindOptions`);
  if (bo) spec.BindOptions = { Propagation: str(bo, 'Propagation', `${where}.BindOptions`) ?? '', CreateMountpoint: bool(bo, 'CreateMountpoint', `${where}.BindOptions`) ?? false };
  const vo = obj(m.VolumeOptions, `${where}.VolumeOptions`);
  if (vo) spec.VolumeOptions = { NoCopy: bool(vo, 'NoCopy', `${where}.VolumeOptions`) ?? false, Labels: strMap(vo, 'Labels', `${where}.VolumeOptions`) ?? {} };
  const to = obj(m.TmpfsOptions, `${where}.TmpfsOptions`);
  if (to) {
    spec.TmpfsOptions = {};
    const size = num(to, 'SizeBytes', `${where}.TmpfsOptions`);
    const mode = num(to, 'Mode', `${where}.TmpfsOptions`);
    if (size !== undefined) spec.TmpfsOptions.SizeBytes = size;
    if (mode !== undefined) spec.TmpfsOptions.Mode = mode;
  }
  return spec;
}

function healthcheck(h: Obj | undefined): HealthConfig | undefined {
  if (!h) return undefined;
  const w = 'Config.Healthcheck';
  const out: HealthConfig = {};
  const test = strList(h, 'Test', w);
  if (test) {
    if (test.length > 0 && !['NONE', 'CMD', 'CMD-SHELL'].includes(test[0] ?? '')) throw invalid(`${w}.Test must start with NONE, CMD or CMD-SHELL`);
    out.Test = test;
  }
  for (const key of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    const v = num(h, key, w);
    if (v === undefined) continue;
    if (v < 0) throw invalid(`${w}.${key} cannot be negative`);
    // Docker's minimum for the durations is 1ms (0 means "inherit the default").
    if (key !== 'Retries' && v !== 0 && v < 1_000_000) throw invalid(`${w}.${key} in Healthcheck cannot be less than 1ms`);
    out[key] = v;
  }
  return out;
}

function exposedPorts(o: Obj | undefined): Record<string, object> {
  const out: Record<string, object> = {};
  for (const key of Object.keys(o ?? {})) {
    parsePortKey(key, 'Config.ExposedPorts');
    out[key.includes('/') ? key : `${key}/tcp`] = {};
  }
  return out;
}

/** "80/tcp" → [80, "tcp"]. */
export function parsePortKey(key: string, where: string): [number, 'tcp' | 'udp' | 'sctp'] {
  const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(key);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw invalid(`${where}: invalid port "${key}"`);
  return [port, (m[2] ?? 'tcp') as 'tcp' | 'udp' | 'sctp'];
}

function envList(env: string[]): string[] {
  for (const e of env) if (e === '' || e.startsWith('=')) throw invalid(`invalid environment variable: "${e}"`);
  return env;
}

function pidsLimit(v: number | undefined): number | null {
  return v === undefined || v <= 0 ? null : v;
}

/** Name servers go into the container's resolv.conf: each must be an IP address (as dockerd parses them). */
function dnsServers(list: string[]): string[] {
  for (const d of list) if (!isIpAddress(d)) throw invalid(`invalid DNS server address: "${d}"`);
  return list;
}
