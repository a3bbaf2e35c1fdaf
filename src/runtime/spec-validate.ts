// Boundary checks on a ContainerDefinition before it becomes a config.json: a bad value is
// one BerthError 'invalid' naming the field, instead of a runtime failing half-way through
// create with a message about a file the user never wrote.
import path from 'node:path';
import { invalid } from '../errors.js';
import { IPC_SYSCTL_PREFIX, IPC_SYSCTLS, NET_SYSCTL_PREFIX, UTS_SYSCTLS } from './spec-defaults.js';
import type { ContainerDefinition, NamespaceMode } from './types.js';

// runc and crun accept exactly these ids (they become directory names).
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}$/;
const CPUSET_RE = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;
const SYSCTL_RE = /^[a-z0-9_]+(\.[A-Za-z0-9_-]+)+$/;
// Docker refuses memory limits below 6 MiB: the runtime itself would not fit.
const MIN_MEMORY = 6 * 1024 * 1024;

export function assertAbsolute(field: string, p: string): void {
  if (typeof p !== 'string' || !path.posix.isAbsolute(p)) throw invalid(`${field}: expected an absolute path, got ${JSON.stringify(p)}`);
  if (p.includes('\0')) throw invalid(`${field}: path contains a NUL byte`);
  if (p.split('/').includes('..')) throw invalid(`${field}: path must not contain "..": ${p}`);
}

function assertInt(field: string, v: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (v === undefined) return;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw invalid(`${field}: expected an integer in [${min}, ${max}], got ${String(v)}`);
}

function assertNamespace(field: string, ns: NamespaceMode | undefined): void {
  if (ns?.kind === 'path') assertAbsolute(`${field}.path`, ns.path);
}

export function validateEnv(env: string[]): void {
  for (const e of env) {
    if (typeof e !== 'string' || e.indexOf('=') <= 0) throw invalid(`env: expected KEY=VALUE, got ${JSON.stringify(e)}`);
  }
}

export function validateDefinition(def: ContainerDefinition): void {
  if (!ID_RE.test(def.id)) throw invalid(`id: ${JSON.stringify(def.id)} is not a valid container id (letters, digits, _ . + -)`);
  assertAbsolute('rootfs', def.rootfs);
  if (!Array.isArray(def.args) || def.args.length === 0 || def.args[0] === '') throw invalid('args: a container needs a command to run');
  assertAbsolute('cwd', def.cwd);
  validateEnv(def.env);
  assertInt('user.uid', def.user.uid, 0, 0xfffffffe);
  assertInt('user.gid', def.user.gid, 0, 0xfffffffe);
  for (const g of def.user.additionalGids ?? []) assertInt('user.additionalGids', g, 0, 0xfffffffe);
  assertInt('user.umask', def.user.umask, 0, 0o777);
  if (def.hostname !== undefined && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,62})?$/.test(def.hostname)) throw invalid(`hostname: ${JSON.stringify(def.hostname)} is not a valid hostname`);
  // A hostname is a property of the UTS namespace: setting one in the host's would rename the host.
  if (def.uts?.kind === 'host' && (def.hostname !== undefined || def.domainname !== undefined)) throw invalid('hostname: cannot be set with the host\'s UTS namespace');
  for (const [i, m] of def.mounts.entries()) {
    assertAbsolute(`mounts[${i}].destination`, m.destination);
    if (m.type === 'bind') assertAbsolute(`mounts[${i}].source`, m.source);
  }
  validateResources(def);
  assertInt('shmSize', def.shmSize, 1);
  assertInt('oomScoreAdj', def.oomScoreAdj, -1000, 1000);
  assertNamespace('network', def.network);
  assertNamespace('ipc', def.ipc);
  assertNamespace('pid', def.pid);
  assertNamespace('uts', def.uts);
  if (!def.cgroupsPath.startsWith('/') || def.cgroupsPath.split('/').includes('..')) throw invalid(`cgroupsPath: expected an absolute cgroup path such as /berth/<id>, got ${JSON.stringify(def.cgroupsPath)}`);
  for (const [i, d] of (def.devices ?? []).entries()) {
    assertAbsolute(`devices[${i}].path`, d.path);
    assertInt(`devices[${i}].major`, d.major, 0);
    assertInt(`devices[${i}].minor`, d.minor, 0);
  }
  validateSysctls(def);
}

function validateResources(def: ContainerDefinition): void {
  const r = def.resources;
  if (!r) return;
  if (r.memory !== undefined && r.memory !== 0) assertInt('resources.memory', r.memory, MIN_MEMORY);
  assertInt('resources.memoryReservation', r.memoryReservation, 0);
  if (r.memorySwap !== undefined && r.memorySwap !== -1) {
    assertInt('resources.memorySwap', r.memorySwap, 0);
    if (r.memory && r.memorySwap !== 0 && r.memorySwap < r.memory) throw invalid('resources.memorySwap: must be at least resources.memory (it counts memory plus swap)');
    if (!r.memory && r.memorySwap !== 0) throw invalid('resources.memorySwap: needs resources.memory as well');
  }
  assertInt('resources.cpuShares', r.cpuShares, 0);
  assertInt('resources.cpuQuota', r.cpuQuota, -1);
  if (r.cpuPeriod !== undefined && r.cpuPeriod !== 0) assertInt('resources.cpuPeriod', r.cpuPeriod, 1000, 1_000_000);
  if (r.cpusetCpus !== undefined && r.cpusetCpus !== '' && !CPUSET_RE.test(r.cpusetCpus)) throw invalid(`resources.cpusetCpus: ${JSON.stringify(r.cpusetCpus)} is not a cpu list such as 0-2,4`);
  if (r.cpusetMems !== undefined && r.cpusetMems !== '' && !CPUSET_RE.test(r.cpusetMems)) throw invalid(`resources.cpusetMems: ${JSON.stringify(r.cpusetMems)} is not a node list such as 0,1`);
  assertInt('resources.pidsLimit', r.pidsLimit, -1);
  if (r.blkioWeight !== undefined && r.blkioWeight !== 0) assertInt('resources.blkioWeight', r.blkioWeight, 10, 1000);
}

function validateSysctls(def: ContainerDefinition): void {
  for (const key of Object.keys(def.sysctls ?? {})) {
    if (!SYSCTL_RE.test(key)) throw invalid(`sysctls: ${JSON.stringify(key)} is not a sysctl name`);
    const ipc = IPC_SYSCTLS.has(key) || key.startsWith(IPC_SYSCTL_PREFIX);
    const net = key.startsWith(NET_SYSCTL_PREFIX);
    const uts = UTS_SYSCTLS.has(key);
    if (!ipc && !net && !uts) throw invalid(`sysctls: ${key} is not namespaced and cannot be set per container`);
    if (uts && def.uts?.kind === 'host') throw invalid(`sysctls: ${key} cannot be set with the host's UTS namespace`);
    if (ipc && def.ipc?.kind === 'host') throw invalid(`sysctls: ${key} cannot be set with the host's IPC namespace`);
    if (net && def.network.kind === 'host') throw invalid(`sysctls: ${key} cannot be set with the host's network namespace`);
  }
}
