import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { EngineClient } from '../../../src/client/engine-client.js';
import { busyboxTarball } from '../../support/busybox-rootfs.js';

// A private berthd per test file: its own root, run dir and socket under /tmp, started
// from dist/ (build first: `npm run build`), with the busybox image imported as bb:latest.

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const DAEMON_MAIN = path.join(repo, 'dist', 'daemon', 'main.js');
const DAEMON_BIN = path.join(repo, 'bin', 'berthd');

export interface Berthd {
  dir: string;
  root: string;
  run: string;
  socket: string;
  client: EngineClient;
  process: ChildProcess;
  /** Start (again) on the same root. */
  start(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash. */
  kill9(): Promise<void>;
  /** Remove every container, user network and volume; stop; delete the dirs. */
  cleanup(): Promise<void>;
  env: NodeJS.ProcessEnv;
}

export async function pollUntil<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Started and stocked with bb:latest (what every caller needs). */
export async function startBerthd(opts: { runtime?: string } = {}): Promise<Berthd> {
  const d = createBerthd(opts);
  await d.start();
  await importBusybox(d);
  return d;
}

/**
 * The file's berthd: started before its first test, cleaned up after its last (`when`
 * false: neither, for files whose peer is missing and whose tests skip).
 */
export function useBerthd(opts: { runtime?: string; when?: boolean; env?: NodeJS.ProcessEnv } = {}): Berthd {
  const d = createBerthd(opts);
  beforeAll(async () => {
    if (opts.when === false) return;
    await d.start();
    await importBusybox(d);
  });
  afterAll(() => d.cleanup());
  return d;
}

function importBusybox(d: Berthd): Promise<unknown> {
  return d.client.request('POST', '/images/create', { query: { fromSrc: '-', repo: 'bb', tag: 'latest' }, rawBody: createReadStream(busyboxTarball()) });
}

function createBerthd(opts: { runtime?: string; env?: NodeJS.ProcessEnv }): Berthd {
  if (!existsSync(DAEMON_MAIN)) throw new Error(`${DAEMON_MAIN} is missing: run \`npm run build\` before the integration tests`);
  const dir = mkdtempSync('/tmp/bt-');
  const root = path.join(dir, 'root');
  const run = path.join(dir, 'run');
  const socket = path.join(dir, 'd.sock');
  const client = new EngineClient(socket);
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, BERTH_ROOT: root, BERTH_RUN: run, ...(opts.runtime ? { BERTH_RUNTIME: opts.runtime } : {}) };
  const d: Berthd = {
    dir,
    root,
    run,
    socket,
    client,
    env,
    process: undefined as unknown as ChildProcess,
    async start() {
      d.process = spawn(DAEMON_BIN, ['--host', `unix://${socket}`, '--root', root, '--run', run], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      const proc = d.process;
      await pollUntil(() => {
        // A berthd that died (missing binaries, bad state) fails the start at once.
        if (proc.exitCode !== null) throw new Error(`berthd exited with ${proc.exitCode}; see stderr above`);
        return client.ping();
      }, 'berthd to answer /_ping', 10_000);
    },
    async stop() {
      const p = d.process;
      if (p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
    },
    async kill9() {
      const p = d.process;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await exited;
    },
    async cleanup() {
      try {
        // (no process: never started)
        if (d.process && d.process.exitCode === null && d.process.signalCode === null) {
          const list = await client.request<{ Id: string }[]>('GET', '/containers/json', { query: { all: 1 } });
          for (const c of list) await client.request('DELETE', `/containers/${c.Id}`, { query: { force: 1, v: 1 } }).catch(() => undefined);
          const nets = await client.request<{ Id: string; Name: string }[]>('GET', '/networks');
          for (const n of nets) if (!['bridge', 'host', 'none'].includes(n.Name)) await client.request('DELETE', `/networks/${n.Id}`).catch(() => undefined);
          const vols = await client.request<{ Volumes: { Name: string }[] }>('GET', '/volumes');
          for (const v of vols.Volumes) await client.request('DELETE', `/volumes/${v.Name}`).catch(() => undefined);
          await d.stop();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return d;
}

/** Create and start a container; returns its ID. */
export async function runContainer(client: EngineClient, body: Record<string, unknown>, name?: string): Promise<string> {
  const { Id } = await client.request<{ Id: string }>('POST', '/containers/create', { query: { name }, body: { Image: 'bb', ...body } });
  await client.request('POST', `/containers/${Id}/start`);
  return Id;
}

export interface Inspect {
  Id: string;
  Name: string;
  RestartCount: number;
  State: { Status: string; Running: boolean; Paused: boolean; ExitCode: number; Pid: number; Health?: { Status: string; FailingStreak: number; Log: { ExitCode: number; Output: string }[] } };
  NetworkSettings: { IPAddress: string; Networks: Record<string, { IPAddress: string }>; Ports: Record<string, { HostIp: string; HostPort: string }[] | null> };
  Mounts: { Type: string; Name?: string; Destination: string }[];
  Config: { Env: string[]; Labels: Record<string, string> };
}

export function inspect(client: EngineClient, id: string): Promise<Inspect> {
  return client.request<Inspect>('GET', `/containers/${id}/json`);
}

/** Demultiplex Docker's 8-byte framed stream. */
export function demux(buf: Buffer): { stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  let i = 0;
  while (i + 8 <= buf.length) {
    const kind = buf[i];
    const size = buf.readUInt32BE(i + 4);
    const data = buf.subarray(i + 8, i + 8 + size).toString('utf8');
    if (kind === 2) stderr += data;
    else stdout += data;
    i += 8 + size;
  }
  return { stdout, stderr };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ClientProc {
  write(s: string): void;
  end(s?: string): void;
  stdout(): string;
  /** Send the client a signal. */
  kill(signal: NodeJS.Signals): void;
  done: Promise<Run>;
}

export interface ClientOptions {
  /** Written to the client's stdin, which then closes. */
  stdin?: string;
  /** Without `stdin`: leave stdin an open pipe (for write/end) instead of /dev/null. */
  openStdin?: boolean;
  timeoutMs?: number;
}

/** A client (the Docker CLI, bin/berth, anything) pointed at this berthd; killed after timeoutMs (30 s). */
export function startClient(d: Berthd, file: string, args: string[], opts: ClientOptions = {}): ClientProc {
  const pipeIn = opts.stdin !== undefined || opts.openStdin === true;
  const env = { ...process.env, DOCKER_HOST: `unix://${d.socket}`, BERTH_HOST: `unix://${d.socket}`, DOCKER_CONFIG: `${d.dir}/docker-config` };
  const child = spawn(file, args, { env, stdio: [pipeIn ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
  return { write: (s) => child.stdin?.write(s), end: (s) => child.stdin?.end(s), stdout: () => stdout, kill: (signal) => child.kill(signal), done };
}

/** startClient to completion. */
export function runClient(d: Berthd, file: string, args: string[], opts: ClientOptions = {}): Promise<Run> {
  return startClient(d, file, args, opts).done;
}
