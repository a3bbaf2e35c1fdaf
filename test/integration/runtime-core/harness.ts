import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { nativeBinary } from '../../../src/config/paths.js';
import { busyboxRootfs } from '../../support/busybox-rootfs.js';

// Shared by the runtime-core test files: bundles written by hand (busybox rootfs, read-only),
// berth-core and runc invocations with private state roots, polling helpers.

export const CORE = nativeBinary('berth-core');
export const SHIM = nativeBinary('berth-shim');
export const HAS_RUNC = spawnSync('sh', ['-c', 'command -v runc']).status === 0;
export const DOCKER_CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'];

export let work = '';
export let rootfs = '';
let seq = 0;
export function nextSeq(): number {
  return ++seq;
}
export const created: { rt: 'core' | 'runc'; id: string }[] = [];

export type Spec = Record<string, unknown> & { process: Record<string, unknown>; linux: Record<string, unknown> };

export function baseSpec(id: string, args: string[]): Spec {
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args,
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'],
      cwd: '/',
      capabilities: { bounding: DOCKER_CAPS, effective: DOCKER_CAPS, permitted: DOCKER_CAPS },
      noNewPrivileges: true,
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
    },
    root: { path: rootfs, readonly: true },
    hostname: 'box',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777', 'size=16m'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'cgroup' }],
      cgroupsPath: `/berth-test/${id}`,
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      maskedPaths: ['/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'],
      readonlyPaths: ['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

export function bundle(args: string[], edit?: (s: Spec) => void): { id: string; dir: string } {
  const id = `core-${process.pid}-${nextSeq()}`;
  const dir = path.join(work, id);
  mkdirSync(dir, { recursive: true });
  const spec = baseSpec(id, args);
  edit?.(spec);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(spec, null, 1));
  return { id, dir };
}

export function rt(which: 'core' | 'runc', args: string[], opts: { detached?: boolean } = {}): SpawnSyncReturns<string> {
  const bin = which === 'core' ? CORE : 'runc';
  const root = path.join(work, `${which}-state`);
  if (!opts.detached) return spawnSync(bin, ['--root', root, ...args], { encoding: 'utf8', timeout: 30_000 });
  // create: the container keeps the caller's stdio, so give it a file rather than our pipes
  const errFile = path.join(work, `stderr-${nextSeq()}`);
  const fd = openSync(errFile, 'w+');
  try {
    const r = spawnSync(bin, ['--root', root, ...args], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', fd, fd] });
    return { ...r, stderr: readFileSync(errFile, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

/** `run` a bundle in the foreground: returns exit status and output. */
export function run(which: 'core' | 'runc', b: { id: string; dir: string }): { status: number | null; stdout: string; stderr: string } {
  const r = rt(which, ['run', '--bundle', b.dir, `${b.id}-${which}`]);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const runtimes: ('core' | 'runc')[] = HAS_RUNC ? ['core', 'runc'] : ['core'];

/** Run under berth-core and (reference) runc; both must give the same status and stdout. */
export function runBoth(b: { id: string; dir: string }): { status: number | null; stdout: string; stderr: string } {
  const core = run('core', b);
  for (const other of runtimes.slice(1)) {
    const ref = run(other, b);
    expect({ status: core.status, stdout: core.stdout }, `${other} stderr: ${ref.stderr}`).toEqual({ status: ref.status, stdout: ref.stdout });
  }
  return core;
}

export async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function cgroupDirs(id: string): string[] {
  return readdirSync('/sys/fs/cgroup')
    .map((c) => path.join('/sys/fs/cgroup', c, 'berth-test', id))
    .filter((d) => existsSync(d));
}

export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

/** create (stdio to /dev/null so the caller's pipes do not stay open) + start a long-running container. */
export function startDetached(which: 'core' | 'runc', b: { id: string; dir: string }): string {
  const id = `${b.id}-${which}`;
  const r = rt(which, ['create', '--bundle', b.dir, id], { detached: true });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  created.push({ rt: which, id });
  expect(rt(which, ['start', id]).status).toBe(0);
  return id;
}

export function state(which: 'core' | 'runc', id: string): { status: string; pid: number } {
  const r = rt(which, ['state', id]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { status: string; pid: number };
}

/** Registers the file's setup (rootfs, scratch dir) and teardown (containers, scratch dir). */
export function useRuntimeCore(): void {
  beforeAll(() => {
  if (!existsSync(CORE) || !existsSync(SHIM)) throw new Error(`build the native binaries first (npm run build): ${CORE}`);
  rootfs = busyboxRootfs();
  work = mkdtempSync('/tmp/berth-core-it-');
});

  afterAll(() => {
  for (const c of created) rt(c.rt, ['delete', '--force', c.id]);
  rmSync(work, { recursive: true, force: true });
});
}
