import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { buildSpec } from '../../runtime/spec.js';
import { writeBundleSync } from '../../runtime/bundle.js';
import type { ContainerDefinition, MountDefinition, ResourceLimits } from '../../runtime/types.js';
import type { ImageService, NetworkService, Sandbox } from '../types.js';
import type { LocalVolumes } from '../volumes/local-volumes.js';
import type { ContainerRecord, HostConfig } from './model.js';
import { createSandbox, netnsMode, networkKind, writeEtcFiles } from './network-attach.js';
import { toOciMount } from './mounts.js';
import type { ContainerPaths, RuntimePort } from './runtime-port.js';
import { scopedPath } from './rootfs-path.js';
import { resolveUser } from './user-resolve.js';
import { shimLogLimits } from './log-options.js';
import { removeStateDir } from './state-dir.js';
import { span } from '../trace.js';

// One start, in order: rootfs → network sandbox → /etc files → volumes filled → OCI spec
// and bundle → the shim creates the container (prepareStart) → attaches connect → start
// (finishStart). Undone on failure by the caller (teardown), which is idempotent. The two
// halves can run apart: Lifecycle.prepare does the first when a start is announced.

export interface StartDeps {
  images: ImageService;
  networks: NetworkService;
  volumes: LocalVolumes;
  runtime: RuntimePort;
  /** Pid of another container's init, for container:<id> network mode. */
  pidOf(idOrName: string): number;
  /** The rootfs mount begun at create (undefined if it failed: mounted again here). */
  premounted?: Promise<string | undefined>;
  /** Once the shim has created the container, before its process starts (attaches connect here). */
  created?(): Promise<void>;
}

export interface Started {
  pid: number;
  sandbox: Sandbox | undefined;
}

/** A container created by its shim, its process waiting for the runtime's start. */
export type Prepared = Started;

export async function startContainer(c: ContainerRecord, paths: ContainerPaths, deps: StartDeps): Promise<Started> {
  return finishStart(c, await prepareStart(c, paths, deps), deps);
}

/** Everything of a start up to the runtime's create: the process exists, stopped before the command. */
export async function prepareStart(c: ContainerRecord, paths: ContainerPaths, deps: StartDeps): Promise<Prepared> {
  const kind = networkKind(c);
  const otherPid = kind.kind === 'container' ? deps.pidOf(kind.ref) : undefined;
  // The root filesystem and the network sandbox do not depend on each other: in parallel.
  const [rootfs, sandbox] = await Promise.all([
    span(c.Id, 'start.rootfs', (deps.premounted ?? Promise.resolve(undefined)).then((r) => r ?? deps.images.mountRootfs(c.ImageId, paths.dir))),
    // A pooled namespace's endpoint is configured while the shim creates the container in it.
    kind.kind === 'bridge' ? span(c.Id, 'start.sandbox', createSandbox(deps.networks, c, kind.networks, { configureLater: true })) : Promise.resolve(undefined),
  ]);
  const cwd = c.Config.WorkingDir || '/';
  const [etc, user] = await span(c.Id, 'start.etc+user', Promise.all([
    writeEtcFiles(paths.dir, c, sandbox, kind),
    resolveUser(rootfs, c.Config.User),
    // Docker creates a missing working directory.
    cwd === '/' ? undefined : scopedPath(rootfs, cwd).then((dir) => mkdirSync(dir, { recursive: true })).catch(() => undefined),
  ]));
  for (const m of c.Mounts) {
    if (m.Type === 'volume' && m.Name) {
      await deps.volumes.ensureMounted(m.Name);
      if (!m.NoCopy) await fillVolume(await scopedPath(rootfs, m.Destination), m.Source);
      deps.volumes.mounted(m.Name, c.Id, m.Destination, m.RW);
    }
  }
  const mounts: MountDefinition[] = [
    ...c.Mounts.map(toOciMount),
    { destination: '/etc/hosts', type: 'bind', source: etc.hosts, options: ['rbind', 'rprivate', 'rw'] },
    { destination: '/etc/hostname', type: 'bind', source: etc.hostname, options: ['rbind', 'rprivate', 'rw'] },
    { destination: '/etc/resolv.conf', type: 'bind', source: etc.resolv, options: ['rbind', 'rprivate', 'rw'] },
  ];
  const env = [...c.Config.Env];
  if (!env.some((e) => e.startsWith('HOSTNAME='))) env.push(`HOSTNAME=${c.Config.Hostname || c.Id.slice(0, 12)}`);
  if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${user.home || '/'}`);
  if (c.Config.Tty && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
  const def: ContainerDefinition = {
    id: c.Id,
    rootfs,
    readonlyRootfs: c.HostConfig.ReadonlyRootfs,
    args: [c.Path, ...c.Args],
    env,
    cwd,
    user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
    hostname: kind.kind === 'host' || kind.kind === 'container' ? undefined : c.Config.Hostname || c.Id.slice(0, 12),
    domainname: c.Config.Domainname || undefined,
    tty: c.Config.Tty,
    openStdin: c.Config.OpenStdin,
    mounts,
    capAdd: c.HostConfig.CapAdd ?? [],
    capDrop: c.HostConfig.CapDrop ?? [],
    privileged: c.HostConfig.Privileged,
    resources: resourcesOf(c.HostConfig),
    ulimits: c.HostConfig.Ulimits.map((u) => ({ name: u.Name, soft: u.Soft, hard: u.Hard })),
    sysctls: c.HostConfig.Sysctls,
    shmSize: c.HostConfig.ShmSize,
    network: netnsMode(kind, sandbox, otherPid),
    uts: kind.kind === 'host' ? { kind: 'host' } : { kind: 'new' },
    cgroupsPath: `/berth/${c.Id}`,
    // With no init binary buildSpec refuses (failed_precondition) rather than run without one.
    init: c.HostConfig.Init === true,
    annotations: { 'org.opencontainers.image.ref.name': c.Config.Image },
  };
  // A host whose bounding set lacks some capabilities cannot grant "all" of them (capset fails).
  const spec = buildSpec(def, { ...(deps.runtime.init ? { init: deps.runtime.init } : {}), availableCapabilities: deps.runtime.capabilities });
  // Sync calls (as writeBundleSync's): with 30 containers starting at once async ones
  // waited ~200 ms each for the thread pool.
  await span(
    c.Id,
    'start.bundle',
    Promise.resolve().then(() => {
      writeBundleSync(paths.bundle, spec);
      // A fresh state dir each start: an old exit.json must not end this run at once.
      removeStateDir(paths.stateDir);
      mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
    }),
  );
  const created = await span(c.Id, 'start.shim-create', deps.runtime.driver.create({ id: c.Id, bundle: paths.bundle, stateDir: paths.stateDir, logPath: paths.logPath, ...shimLogLimits(c.HostConfig.LogConfig.Config), tty: c.Config.Tty, openStdin: c.Config.OpenStdin }));
  return { pid: created.initPid, sandbox };
}

/** The rest of a start: attaches connect to the shim, the network is ready, the command runs. */
export async function finishStart(c: ContainerRecord, prepared: Prepared, deps: Pick<StartDeps, 'runtime' | 'created'>): Promise<Started> {
  if (deps.created) await span(c.Id, 'start.attach-connect', deps.created());
  if (prepared.sandbox?.configured) await span(c.Id, 'start.sandbox-configured', prepared.sandbox.configured);
  await span(c.Id, 'start.runtime-start', deps.runtime.driver.start(c.Id));
  return prepared;
}

export function resourcesOf(h: HostConfig): ResourceLimits {
  const r: ResourceLimits = {};
  if (h.Memory > 0) r.memory = h.Memory;
  if (h.MemoryReservation > 0) r.memoryReservation = h.MemoryReservation;
  if (h.MemorySwap !== 0) r.memorySwap = h.MemorySwap;
  if (h.CpuShares > 0) r.cpuShares = h.CpuShares;
  if (h.NanoCpus > 0) {
    r.cpuPeriod = 100_000;
    r.cpuQuota = Math.round((h.NanoCpus * 100_000) / 1e9);
  }
  if (h.CpuQuota !== 0) r.cpuQuota = h.CpuQuota;
  if (h.CpuPeriod > 0) r.cpuPeriod = h.CpuPeriod;
  if (h.CpusetCpus) r.cpusetCpus = h.CpusetCpus;
  if (h.PidsLimit !== null && h.PidsLimit > 0) r.pidsLimit = h.PidsLimit;
  return r;
}

/** A fresh volume takes the image's content at its mount point (ownership kept), as Docker does. */
async function fillVolume(imagePath: string, volumeDir: string): Promise<void> {
  const existing = await readdir(volumeDir).catch(() => [] as string[]);
  if (existing.length > 0) return;
  const st = await stat(imagePath).catch(() => undefined);
  if (!st?.isDirectory()) return;
  if ((await readdir(imagePath)).length === 0) return;
  await promisify(execFile)('cp', ['-a', '--', `${imagePath}/.`, `${volumeDir}/`]);
}
