import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { EngineClient } from '../../../src/client/engine-client.js';
import { pingEngine } from '../../../src/client/negotiate.js';
import { busyboxTarball } from '../../support/busybox-rootfs.js';
import { collect, pollUntil, type PsRow, type RunResult } from './berth-env.js';

// A private dockerd (Debian's docker.io, Engine API 1.41) for one e2e file: its own
// data root, exec root, pid file, socket and cgroup parent under /tmp; no docker0
// (--bridge=none), no iptables, ip_forward or masquerade changes on the host. The
// containerd it starts lives under its exec root. stop() takes all of it away again:
// dockerd and its containerd stopped, mounts under its dirs unmounted, its dirs and
// cgroups removed, and the few host paths dockerd makes on first use removed if this
// run made them. berth's CLI talks to it through DOCKER_HOST, as a user would.

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI_BIN = path.join(repo, 'bin', 'berth');

const DOCKERD = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find((p) => existsSync(p));
const CONTAINERD = ['/usr/bin/containerd', '/usr/sbin/containerd', '/usr/local/bin/containerd'].find((p) => existsSync(p));

/** Why the dockerd tests cannot run here, or undefined when they can. */
export function dockerdSkipReason(): string | undefined {
  if (!DOCKERD) return 'no dockerd on this machine (apt-get install docker.io; .ci/run does)';
  if (!CONTAINERD) return 'no containerd on this machine (docker.io depends on it)';
  if (process.getuid?.() !== 0) return 'a private dockerd needs root';
  return undefined;
}

// Host paths dockerd and containerd create on first use whatever their roots are
// (deepest first, so a parent is removed after its child).
const HOST_PATHS = ['/etc/docker/key.json', '/etc/docker', '/run/docker/plugins', '/run/docker', '/run/containerd/s', '/run/containerd'];

export class PrivateDockerd {
  readonly base: string;
  readonly socket: string;
  readonly host: string;
  private readonly cgroupParent: string;
  private child: ChildProcess | undefined;
  private hostPathsBefore = new Set<string>();

  constructor() {
    // "berth" in the path: the host leak check watches mounts whose path says berth.
    // Made by start(), so that a skipped file makes nothing.
    this.base = `/tmp/berth-dockerd-${randomBytes(4).toString('hex')}`;
    this.socket = path.join(this.base, 'docker.sock');
    this.host = `unix://${this.socket}`;
    this.cgroupParent = `/${path.basename(this.base)}`;
  }

  get logFile(): string {
    return path.join(this.base, 'dockerd.log');
  }

  async start(): Promise<void> {
    if (!DOCKERD) throw new Error('dockerd is not installed');
    this.hostPathsBefore = new Set(HOST_PATHS.filter((p) => existsSync(p)));
    mkdirSync(this.base, { mode: 0o700 });
    const config = path.join(this.base, 'daemon.json');
    writeFileSync(config, '{}\n');
    const args = [
      '--data-root', path.join(this.base, 'data'),
      '--exec-root', path.join(this.base, 'exec'),
      '--pidfile', path.join(this.base, 'dockerd.pid'),
      '-H', this.host,
      '--config-file', config,
      '--bridge=none',
      '--iptables=false',
      '--ip6tables=false',
      '--ip-forward=false',
      '--ip-masq=false',
      '--cgroup-parent', this.cgroupParent,
      '--log-level', 'warn',
    ];
    const log = openSync(this.logFile, 'a');
    try {
      this.child = spawn(DOCKERD, args, { stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    const child = this.child;
    try {
      await pollUntil(async () => {
        if (child.exitCode !== null) throw new Error(`dockerd exited with ${child.exitCode}`);
        return (await pingEngine(this.socket, 1000)) !== undefined;
      }, 30_000, 'dockerd to answer');
    } catch (err) {
      throw new Error(`${(err as Error).message}; dockerd log:\n${this.log()}`);
    }
  }

  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').split('\n').slice(-40).join('\n') : '';
  }

  /** Stop dockerd and clean up after it; throws when something it made is still there. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child && !existsSync(this.base)) return;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    // Its containerd (and any shim) name our dirs on their command lines.
    const stragglers = () => processesMentioning(this.base);
    await pollUntil(() => stragglers().length === 0, 5000, 'containerd to exit').catch(() => {
      for (const pid of stragglers()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    });
    await pollUntil(() => stragglers().length === 0, 5000, 'containerd to exit').catch(() => undefined);
    for (const mount of mountsUnder(this.base).reverse()) {
      if (spawnSync('umount', [mount]).status !== 0) spawnSync('umount', ['-l', mount]);
    }
    removeCgroups(this.cgroupParent);
    rmSync(this.base, { recursive: true, force: true });
    for (const p of HOST_PATHS) {
      if (this.hostPathsBefore.has(p) || !existsSync(p)) continue;
      try {
        if (statSync(p).isDirectory()) rmdirSync(p);
        else rmSync(p);
      } catch {
        // not empty: something else uses it now
      }
    }
    const left = [
      ...processesMentioning(this.base).map((pid) => `process ${pid}`),
      ...mountsUnder(this.base).map((m) => `mount ${m}`),
      ...cgroupDirs(this.cgroupParent).map((d) => `cgroup ${d}`),
      ...(existsSync(this.base) ? [`directory ${this.base}`] : []),
    ];
    if (left.length > 0) throw new Error(`the private dockerd left behind:\n  ${left.join('\n  ')}`);
  }
}

function processesMentioning(text: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort();
}

function cgroupDirs(parent: string): string[] {
  const root = '/sys/fs/cgroup';
  if (!existsSync(root)) return [];
  const dirs = [path.join(root, parent)];
  for (const controller of readdirSync(root)) dirs.push(path.join(root, controller, parent));
  return dirs.filter((d) => existsSync(d) && statSync(d).isDirectory() && existsSync(path.join(d, 'cgroup.procs')));
}

/** Remove a cgroup subtree, children first (cgroupfs directories go with rmdir only). */
function removeCgroups(parent: string): void {
  const remove = (dir: string): void => {
    for (const child of readdirSync(dir, { withFileTypes: true })) if (child.isDirectory()) remove(path.join(dir, child.name));
    try {
      rmdirSync(dir);
    } catch {
      // still has processes: reported by the check that follows
    }
  };
  for (const dir of cgroupDirs(parent)) remove(dir);
}

/** A TCP port free on 127.0.0.1 now (for a published port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** berth's CLI pointed at a private dockerd through DOCKER_HOST. */
export interface DockerdHandle {
  dockerd: PrivateDockerd;
  /** Engine API client for looking at state directly. */
  engine: EngineClient;
  berth(args: string[], opts?: { cwd?: string; timeoutMs?: number }): Promise<RunResult>;
  /** Write a project folder and register it for the final `down -v`. */
  project(name: string, files: Record<string, string>): string;
  ps(dir: string, extra?: string[]): Promise<PsRow[]>;
}

/** A private dockerd for this file, with bb:latest imported through berth; gone after the last test. */
export function useDockerd(): DockerdHandle {
  const dockerd = new PrivateDockerd();
  const dirs = new Set<string>();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DOCKER_HOST: dockerd.host,
    // Were anything to start berthd, it would be a private one, not the host's.
    BERTH_ROOT: path.join(dockerd.base, 'berth-root'),
    BERTH_RUN: path.join(dockerd.base, 'berth-run'),
    NO_COLOR: '1',
  };
  delete env.BERTH_HOST;
  delete env.COMPOSE_PROJECT_NAME;
  delete env.COMPOSE_FILE;
  const berth = (args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> => {
    const child = spawn(CLI_BIN, args, { cwd: opts.cwd ?? dockerd.base, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return collect(child, opts.timeoutMs ?? 60_000);
  };
  const handle: DockerdHandle = {
    dockerd,
    engine: new EngineClient(dockerd.socket),
    berth,
    project(name, files) {
      const dir = path.join(dockerd.base, 'projects', name);
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
      }
      dirs.add(dir);
      return dir;
    },
    async ps(dir, extra = []) {
      const r = await berth(['ps', '-a', '--format', 'json', ...extra], { cwd: dir });
      if (r.code !== 0) throw new Error(`ps failed: ${r.stderr}`);
      return JSON.parse(r.stdout || '[]') as PsRow[];
    },
  };
  beforeAll(async () => {
    await dockerd.start();
    const imported = await berth(['import', busyboxTarball(), 'bb:latest']);
    if (imported.code !== 0) throw new Error(`berth import against dockerd failed (is berth built? npm run build): ${imported.stderr}`);
  }, 90_000);
  afterAll(async () => {
    try {
      for (const dir of dirs) if (existsSync(dir)) await berth(['down', '-v', '-t', '0', '--remove-orphans'], { cwd: dir });
    } finally {
      await dockerd.stop();
    }
  }, 90_000);
  return handle;
}
