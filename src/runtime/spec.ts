// ContainerDefinition → OCI config.json, with Docker's defaults: what `docker run` would
// hand to runc for the same settings (capabilities, mounts, masked and read-only paths,
// devices cgroup), so a bundle behaves the same under berth-core, runc and crun.
import path from 'node:path';
import { BerthError } from '../errors.js';
import { computeCapabilities } from './capabilities.js';
import type { OciDevice, OciDeviceCgroup, OciMount, OciNamespace, OciResources, OciSpec, OciSpecProcess } from './oci-spec.js';
import { DEFAULT_DEVICE_RULES, DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, DEFAULT_SHM_SIZE, defaultMounts, PRIVILEGED_DEVICE_RULES } from './spec-defaults.js';
import { validateDefinition } from './spec-validate.js';
import type { ContainerDefinition, NamespaceMode, ResourceLimits } from './types.js';
import { toRlimits } from './ulimits.js';

export interface InitBinary {
  /** Host path of the init binary; bind-mounted read-only at INIT_DESTINATION. */
  hostPath: string;
  /** argv placed before the container's own argv, e.g. ['/sbin/berth-init', '--']. */
  argvPrefix: string[];
}

export interface BuildSpecOptions {
  /** Needed when the definition asks for `init: true`; without it buildSpec refuses. */
  init?: InitBinary;
  /**
   * What "all capabilities" means for privileged and cap_add ALL: pass hostCapabilities()
   * so a daemon with a reduced bounding set does not ask for more than it has. Default:
   * every capability of the kernel.
   */
  availableCapabilities?: readonly string[];
}

export const INIT_DESTINATION = '/sbin/berth-init';

export function buildSpec(def: ContainerDefinition, opts: BuildSpecOptions = {}): OciSpec {
  validateDefinition(def);
  const privileged = def.privileged ?? false;
  const mounts = composeMounts(def, opts.init);
  const spec: OciSpec = {
    ociVersion: '1.0.2',
    process: buildProcess(def, opts),
    root: { path: def.rootfs, readonly: def.readonlyRootfs ?? false },
    ...(def.hostname !== undefined ? { hostname: def.hostname } : {}),
    ...(def.domainname !== undefined ? { domainname: def.domainname } : {}),
    mounts,
    linux: {
      namespaces: buildNamespaces(def),
      cgroupsPath: def.cgroupsPath,
      resources: buildResources(def.resources, def.devices ?? [], privileged),
      ...(def.devices && def.devices.length > 0 ? { devices: def.devices.map(toOciDevice) } : {}),
      ...(def.sysctls && Object.keys(def.sysctls).length > 0 ? { sysctl: { ...def.sysctls } } : {}),
      ...(privileged ? {} : { maskedPaths: [...DEFAULT_MASKED_PATHS], readonlyPaths: [...DEFAULT_READONLY_PATHS] }),
      rootfsPropagation: rootfsPropagation(mounts),
    },
  };
  if (def.annotations && Object.keys(def.annotations).length > 0) spec.annotations = { ...def.annotations };
  return spec;
}

function buildProcess(def: ContainerDefinition, opts: BuildSpecOptions): OciSpecProcess {
  const init = opts.init;
  if (def.init && !init) {
    throw new BerthError('failed_precondition', `container ${def.id}: init: true needs an init binary, and none is configured for this runtime`);
  }
  const caps = computeCapabilities({ capAdd: def.capAdd, capDrop: def.capDrop, privileged: def.privileged, available: opts.availableCapabilities });
  const user: OciSpecProcess['user'] = { uid: def.user.uid, gid: def.user.gid };
  if (def.user.additionalGids && def.user.additionalGids.length > 0) user.additionalGids = [...def.user.additionalGids];
  if (def.user.umask !== undefined) user.umask = def.user.umask;
  const process: OciSpecProcess = {
    terminal: def.tty ?? false,
    user,
    args: def.init && init ? [...init.argvPrefix, ...def.args] : [...def.args],
    env: [...def.env],
    cwd: def.cwd,
    // Docker 20.10.14+ leaves inheritable (and ambient) empty: CVE-2022-24769.
    capabilities: { bounding: caps, effective: [...caps], permitted: [...caps] },
    noNewPrivileges: def.noNewPrivileges ?? false,
  };
  if (def.ulimits && def.ulimits.length > 0) process.rlimits = toRlimits(def.ulimits);
  if (def.oomScoreAdj !== undefined) process.oomScoreAdj = def.oomScoreAdj;
  return process;
}

const normalizeDestination = (p: string): string => {
  const n = path.posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
};

/**
 * Docker's defaults, minus any the definition mounts over (a user /dev also drops the
 * defaults below /dev), then the definition's mounts with parents before children.
 */
function composeMounts(def: ContainerDefinition, init: InitBinary | undefined): OciMount[] {
  const user: OciMount[] = def.mounts.map((m) => ({ destination: normalizeDestination(m.destination), type: m.type, source: m.source, options: [...m.options] }));
  if (def.init && init) user.push({ destination: INIT_DESTINATION, type: 'bind', source: init.hostPath, options: ['bind', 'ro', 'nosuid', 'nodev'] });
  const taken = new Set(user.map((m) => m.destination));
  const defaults = defaultMounts({ shmSize: def.shmSize ?? DEFAULT_SHM_SIZE, privileged: def.privileged ?? false }).filter(
    (m) => !taken.has(m.destination) && !(taken.has('/dev') && m.destination.startsWith('/dev/')),
  );
  const depth = (m: OciMount): number => (m.destination === '/' ? 0 : m.destination.split('/').length - 1);
  // Array.prototype.sort is stable, so mounts at the same depth keep the definition's order.
  return [...defaults, ...user.sort((a, b) => depth(a) - depth(b))];
}

function namespace(type: OciNamespace['type'], mode: NamespaceMode | undefined): OciNamespace[] {
  const m = mode ?? { kind: 'new' };
  if (m.kind === 'host') return [];
  return m.kind === 'path' ? [{ type, path: m.path }] : [{ type }];
}

function buildNamespaces(def: ContainerDefinition): OciNamespace[] {
  // Docker's order. No cgroup namespace: Docker's default on a cgroup v1 host is the host's.
  return [
    { type: 'mount' },
    ...namespace('network', def.network),
    ...namespace('uts', def.uts),
    ...namespace('pid', def.pid),
    ...namespace('ipc', def.ipc),
  ];
}

function buildResources(r: ResourceLimits | undefined, devices: NonNullable<ContainerDefinition['devices']>, privileged: boolean): OciResources {
  const deviceRules: OciDeviceCgroup[] = privileged
    ? PRIVILEGED_DEVICE_RULES.map((d) => ({ ...d }))
    : [...DEFAULT_DEVICE_RULES.map((d) => ({ ...d })), ...devices.map((d) => ({ allow: true, type: d.type, major: d.major, minor: d.minor, access: 'rwm' }))];
  const out: OciResources = { devices: deviceRules };
  if (!r) return out;
  const memory: NonNullable<OciResources['memory']> = {};
  if (r.memory) memory.limit = r.memory;
  if (r.memoryReservation) memory.reservation = r.memoryReservation;
  if (r.memorySwap !== undefined && r.memorySwap !== 0) memory.swap = r.memorySwap;
  if (Object.keys(memory).length > 0) out.memory = memory;
  const cpu: NonNullable<OciResources['cpu']> = {};
  if (r.cpuShares) cpu.shares = r.cpuShares;
  if (r.cpuQuota) cpu.quota = r.cpuQuota;
  if (r.cpuPeriod) cpu.period = r.cpuPeriod;
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems) cpu.mems = r.cpusetMems;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;
  if (r.pidsLimit !== undefined && r.pidsLimit > 0) out.pids = { limit: r.pidsLimit };
  if (r.blkioWeight) out.blockIO = { weight: r.blkioWeight };
  return out;
}

function toOciDevice(d: NonNullable<ContainerDefinition['devices']>[number]): OciDevice {
  return { path: d.path, type: d.type, major: d.major, minor: d.minor, fileMode: d.fileMode ?? 0o666, uid: d.uid ?? 0, gid: d.gid ?? 0 };
}

/** Docker: a shared mount needs a shared root, a slave mount a slave root; otherwise private. */
function rootfsPropagation(mounts: OciMount[]): string {
  const opts = new Set(mounts.flatMap((m) => m.options));
  if (opts.has('shared') || opts.has('rshared')) return 'shared';
  if (opts.has('slave') || opts.has('rslave')) return 'rslave';
  return 'rprivate';
}
