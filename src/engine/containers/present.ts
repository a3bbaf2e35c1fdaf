import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../../runtime/spec-defaults.js';
import type { PortBinding } from '../types.js';
import type { ContainerRecord } from './model.js';
import { statusText } from './status-text.js';

// Translations of a record into Docker's wire shapes: GET /containers/:id/json and the
// entries of GET /containers/json.

export function inspectShape(c: ContainerRecord, stateDirs: { logPath: string; containerDir: string }): Record<string, unknown> {
  const s = c.State;
  const running = s.Status === 'running' || s.Status === 'paused';
  const firstNet = Object.values(c.Network.Networks)[0];
  return {
    Id: c.Id,
    Created: c.Created,
    Path: c.Path,
    Args: c.Args,
    State: {
      Status: s.Status,
      Running: running,
      Paused: s.Status === 'paused',
      Restarting: s.Status === 'restarting',
      OOMKilled: s.OOMKilled,
      Dead: s.Status === 'dead',
      Pid: running ? s.Pid : 0,
      ExitCode: s.ExitCode,
      Error: s.Error,
      StartedAt: s.StartedAt,
      FinishedAt: s.FinishedAt,
      ...(s.Health && s.Health.Status !== 'none' ? { Health: s.Health } : {}),
    },
    Image: c.ImageId,
    ResolvConfPath: `${stateDirs.containerDir}/resolv.conf`,
    HostnamePath: `${stateDirs.containerDir}/hostname`,
    HostsPath: `${stateDirs.containerDir}/hosts`,
    LogPath: stateDirs.logPath,
    Name: `/${c.Name}`,
    RestartCount: c.RestartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: hostConfigShape(c.HostConfig),
    GraphDriver: { Name: 'overlay2', Data: { MergedDir: `${stateDirs.containerDir}/rootfs`, UpperDir: `${stateDirs.containerDir}/upper`, WorkDir: `${stateDirs.containerDir}/work` } },
    Mounts: c.Mounts.map((m) => ({ Type: m.Type, ...(m.Name ? { Name: m.Name } : {}), Source: m.Source, Destination: m.Destination, ...(m.Driver ? { Driver: m.Driver } : {}), Mode: m.Mode, RW: m.RW, Propagation: m.Propagation })),
    Config: { OnBuild: null, ...c.Config },
    NetworkSettings: {
      Bridge: '',
      SandboxID: running ? c.Id : '',
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      Ports: running ? portMap(c.Network.Ports, c.Config.ExposedPorts) : {},
      SandboxKey: running ? c.Network.SandboxKey : '',
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: firstNet?.EndpointID ?? '',
      Gateway: firstNet?.Gateway ?? '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: firstNet?.IPAddress ?? '',
      IPPrefixLen: firstNet?.IPPrefixLen ?? 0,
      IPv6Gateway: '',
      MacAddress: firstNet?.MacAddress ?? '',
      Networks: networksShape(c),
    },
  };
}

/** Configured networks show in inspect even when the container is stopped (empty IP). */
function networksShape(c: ContainerRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, ep] of Object.entries(c.EndpointsConfig)) {
    const live = c.Network.Networks[name];
    out[name] = {
      IPAMConfig: ep.IPAMConfig ?? null,
      Links: null,
      Aliases: ep.Aliases ?? null,
      NetworkID: live?.NetworkID ?? '',
      EndpointID: live?.EndpointID ?? '',
      Gateway: live?.Gateway ?? '',
      IPAddress: live?.IPAddress ?? '',
      IPPrefixLen: live?.IPPrefixLen ?? 0,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      MacAddress: live?.MacAddress ?? '',
      DriverOpts: null,
      ...(live?.DNSNames ? { DNSNames: live.DNSNames } : {}),
    };
  }
  return out;
}

function portMap(ports: PortBinding[], exposed: Record<string, object>): Record<string, { HostIp: string; HostPort: string }[] | null> {
  const out: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const key of Object.keys(exposed)) out[key] = null;
  for (const p of ports) {
    const key = `${p.containerPort}/${p.protocol}`;
    const list = out[key] ?? [];
    list.push({ HostIp: p.hostIp === '' ? '0.0.0.0' : p.hostIp, HostPort: String(p.hostPort) });
    out[key] = list;
  }
  return out;
}

export function listShape(c: ContainerRecord, now = Date.now()): Record<string, unknown> {
  const running = c.State.Status === 'running' || c.State.Status === 'paused';
  const ports: Record<string, unknown>[] = [];
  const published = running ? c.Network.Ports : [];
  for (const p of published) ports.push({ IP: p.hostIp === '' ? '0.0.0.0' : p.hostIp, PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.protocol });
  for (const key of Object.keys(c.Config.ExposedPorts)) {
    const [port, proto] = key.split('/');
    if (!published.some((p) => String(p.containerPort) === port && p.protocol === proto)) ports.push({ PrivatePort: Number(port), Type: proto });
  }
  const networks: Record<string, unknown> = {};
  for (const name of Object.keys(c.EndpointsConfig)) {
    const live = c.Network.Networks[name];
    networks[name] = { NetworkID: live?.NetworkID ?? '', EndpointID: live?.EndpointID ?? '', Gateway: live?.Gateway ?? '', IPAddress: live?.IPAddress ?? '', IPPrefixLen: live?.IPPrefixLen ?? 0, MacAddress: live?.MacAddress ?? '', Aliases: null };
  }
  return {
    Id: c.Id,
    Names: [`/${c.Name}`],
    Image: c.Config.Image,
    ImageID: c.ImageId,
    Command: [c.Path, ...c.Args].map(quoteArg).join(' '),
    Created: Math.floor(Date.parse(c.Created) / 1000),
    Ports: ports,
    Labels: c.Config.Labels,
    State: c.State.Status,
    Status: statusText(c, now),
    HostConfig: { NetworkMode: c.HostConfig.NetworkMode },
    NetworkSettings: { Networks: networks },
    Mounts: c.Mounts.map((m) => ({ Type: m.Type, ...(m.Name ? { Name: m.Name } : {}), Source: m.Source, Destination: m.Destination, Driver: m.Driver ?? '', Mode: m.Mode, RW: m.RW, Propagation: m.Propagation })),
  };
}

function quoteArg(a: string): string {
  return /[\s"']/.test(a) ? JSON.stringify(a) : a;
}

/**
 * HostConfig as dockerd shows it: the fields berth does not model, with the values dockerd
 * 20.10 shows for a container that does not set them (clients index them), then the record's.
 */
function hostConfigShape(h: ContainerRecord['HostConfig']): Record<string, unknown> {
  return {
    BlkioWeight: 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    Cgroup: '',
    CgroupParent: '',
    // The host's cgroup namespace, as dockerd's default on a cgroup v1 host and berth's.
    CgroupnsMode: 'host',
    ConsoleSize: [0, 0],
    ContainerIDFile: '',
    CpuCount: 0,
    CpuPercent: 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetMems: '',
    DeviceCgroupRules: null,
    DeviceRequests: null,
    Devices: [],
    GroupAdd: null,
    IOMaximumBandwidth: 0,
    IOMaximumIOps: 0,
    IpcMode: 'private',
    Isolation: '',
    KernelMemory: 0,
    KernelMemoryTCP: 0,
    Links: null,
    MaskedPaths: h.Privileged ? null : [...DEFAULT_MASKED_PATHS],
    MemorySwappiness: null,
    OomKillDisable: false,
    OomScoreAdj: 0,
    PidMode: '',
    ReadonlyPaths: h.Privileged ? null : [...DEFAULT_READONLY_PATHS],
    SecurityOpt: null,
    UTSMode: '',
    UsernsMode: '',
    VolumeDriver: '',
    ...h,
  };
}
