// Runs busybox containers through a RuntimeDriver for the conformance suite: one bundle per
// container (buildSpec over the shared read-only busybox rootfs), created under the shim,
// and everything removed afterwards whatever happened.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, rmdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { nativeBinary } from '../../../src/config/paths.js';
import { removeBundle, writeBundle } from '../../../src/runtime/bundle.js';
import { createRuntimeDriver } from '../../../src/runtime/drivers/create-runtime-driver.js';
import type { OciRuntimeDriver } from '../../../src/runtime/drivers/oci-driver.js';
import { findOnPath, type RuntimeName } from '../../../src/runtime/drivers/runtime-invocation.js';
import { readExitRecord, waitForExit } from '../../../src/runtime/exit-record.js';
import { logText, readJsonLog, type JsonLogEntry } from '../../../src/runtime/json-log.js';
import { buildSpec } from '../../../src/runtime/spec.js';
import type { ContainerDefinition, ExitRecord } from '../../../src/runtime/types.js';
import { busyboxRootfs } from '../../support/busybox-rootfs.js';

export const CGROUP_PARENT = '/berth-test';

/** Why a runtime cannot be exercised on this machine, or undefined when it can. */
export function skipReason(name: RuntimeName): string | undefined {
  const shim = process.env.BERTH_SHIM_PATH ?? nativeBinary('berth-shim');
  if (!existsSync(shim)) return `berth-shim is not built (${shim} missing; run npm run build)`;
  if (name === 'berth-core') {
    const core = process.env.BERTH_CORE_PATH ?? nativeBinary('berth-core');
    return existsSync(core) ? undefined : `berth-core is not built (${core} missing; run npm run build)`;
  }
  return findOnPath(name) ? undefined : `${name} is not installed`;
}

export interface Ran {
  exit: ExitRecord;
  log: JsonLogEntry[];
  stdout: string;
  stderr: string;
}

export class Harness {
  private seq = 0;
  driver!: OciRuntimeDriver;
  private dir = '';
  private readonly live = new Set<string>();

  constructor(readonly runtime: RuntimeName) {}

  async setup(): Promise<void> {
    this.dir = await mkdtemp(path.join(os.tmpdir(), `berth-conf-${this.runtime}-`));
    this.driver = createRuntimeDriver(this.runtime, { stateRoot: path.join(this.dir, 'runtime') });
  }

  /** A scratch directory for test fixtures (bind sources), removed with the rest. */
  async scratch(name: string): Promise<string> {
    const dir = path.join(this.dir, 'scratch', name);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Removes every container still known, then the scratch dir and the empty cgroup parents. */
  async teardown(): Promise<void> {
    for (const id of [...this.live]) await this.remove(id);
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    for (const controller of existsSync('/sys/fs/cgroup') ? await readdir('/sys/fs/cgroup') : []) {
      // Only the empty parent: a container cgroup left behind is a leak the check must see.
      await rmdir(path.join('/sys/fs/cgroup', controller, CGROUP_PARENT)).catch(() => undefined);
    }
  }

  paths(id: string) {
    return { bundle: path.join(this.dir, 'bundles', id), stateDir: path.join(this.dir, 'state', id), logPath: path.join(this.dir, 'logs', `${id}.log`) };
  }

  definition(over: Partial<ContainerDefinition> & { args: string[] }): ContainerDefinition {
    const id = over.id ?? `conf-${this.runtime}-${process.pid}-${++this.seq}`;
    return {
      id,
      rootfs: busyboxRootfs(),
      readonlyRootfs: true,
      env: ['PATH=/bin:/sbin', 'HOME=/root'],
      cwd: '/',
      user: { uid: 0, gid: 0 },
      hostname: 'conformance',
      mounts: [],
      network: { kind: 'new' },
      cgroupsPath: `${CGROUP_PARENT}/${id}`,
      ...over,
    };
  }

  /** Writes the bundle and creates the container under the shim; the caller starts it. */
  async create(def: ContainerDefinition): Promise<{ id: string; shimPid: number; initPid: number }> {
    const p = this.paths(def.id);
    await mkdir(path.dirname(p.logPath), { recursive: true });
    await writeBundle(p.bundle, buildSpec(def));
    this.live.add(def.id);
    const pids = await this.driver.create({ id: def.id, bundle: p.bundle, stateDir: p.stateDir, logPath: p.logPath, tty: def.tty ?? false, openStdin: def.openStdin ?? false });
    return { id: def.id, ...pids };
  }

  /** create + start + wait for the exit record + read the log, then remove it all. */
  async run(over: Partial<ContainerDefinition> & { args: string[] }): Promise<Ran> {
    const def = this.definition(over);
    try {
      await this.create(def);
      await this.driver.start(def.id);
      const exit = await waitForExit(this.paths(def.id).stateDir);
      return { exit, ...(await this.output(def.id)) };
    } finally {
      await this.remove(def.id);
    }
  }

  async output(id: string): Promise<{ log: JsonLogEntry[]; stdout: string; stderr: string }> {
    const log = await readJsonLog(this.paths(id).logPath);
    return { log, stdout: logText(log, 'stdout'), stderr: logText(log, 'stderr') };
  }

  async exitRecord(id: string): Promise<ExitRecord | undefined> {
    return readExitRecord(this.paths(id).stateDir);
  }

  async remove(id: string): Promise<void> {
    const p = this.paths(id);
    await this.driver.kill(id, 'KILL', true).catch(() => undefined);
    // The shim records the exit once the init is reaped; delete only after that.
    if (existsSync(p.stateDir)) await waitForExit(p.stateDir, AbortSignal.timeout(10_000)).catch(() => undefined);
    await this.driver.delete(id, true);
    await removeBundle(p.bundle);
    await rm(p.stateDir, { recursive: true, force: true });
    this.live.delete(id);
  }
}

/** Parses /proc/self/mounts into "mountpoint type ro|rw" lines, the cgroup v1 tree left out. */
export function mountSummary(procMounts: string): string[] {
  return procMounts
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(' '))
    .filter((f) => !(f[1] ?? '').startsWith('/sys/fs/cgroup/'))
    .map((f) => `${f[1]} ${f[2]} ${(f[3] ?? '').split(',').includes('ro') ? 'ro' : 'rw'}`);
}
