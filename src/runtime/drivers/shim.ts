// Starts a berth-shim for one container. The shim detaches, becomes the container's
// subreaper, runs `<runtime> create`, and its first process exits 0 once the container
// is created (non-zero with the runtime's message otherwise), printing both pids; they
// are also in the state dir as init.pid and shim.pid.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { internal, unavailable } from '../../errors.js';
import { encodeFrame, frameSplitter } from '../../stream-frames.js';
import type { CreateOptions } from '../types.js';
import { runtimeError } from './runtime-errors.js';
import type { RuntimeInvocation } from './runtime-invocation.js';
import { runProcess, type ProcessRunner } from './run-runtime.js';

export function shimArgs(inv: RuntimeInvocation, opts: CreateOptions): string[] {
  const args = ['--runtime', inv.file];
  for (const a of inv.prefix) args.push('--runtime-arg', a);
  args.push('--id', opts.id, '--bundle', opts.bundle, '--state-dir', opts.stateDir, '--log', opts.logPath);
  if (opts.logMaxSize !== undefined && opts.logMaxSize > 0) args.push('--log-max-size', String(opts.logMaxSize), '--log-max-file', String(opts.logMaxFiles ?? 1));
  if (opts.tty) args.push('--tty');
  if (opts.openStdin) args.push('--stdin');
  return args;
}

async function readPid(file: string): Promise<number> {
  const text = (
    await readFile(file, 'utf8').catch((err: unknown) => {
      throw internal(`berth-shim reported success but ${file} is unreadable`, err);
    })
  ).trim();
  const pid = Number(text);
  if (!Number.isSafeInteger(pid) || pid <= 0) throw internal(`${file}: expected a pid, got ${JSON.stringify(text)}`);
  return pid;
}

export async function startShim(shim: string, inv: RuntimeInvocation, opts: CreateOptions, runner?: ProcessRunner): Promise<{ shimPid: number; initPid: number }> {
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
  mkdirSync(path.dirname(opts.logPath), { recursive: true });
  // The shim's detached half puts its stdio on /dev/null, so a runner collecting output
  // to the end (the spawn server's files) returns when the launching process exits.
  const { code, stdout, stderr } = runner
    ? await runProcess(runner, shim, shimArgs(inv, opts)).catch((err: Error) => {
        throw unavailable(`berth-shim: cannot run ${shim}: ${err.message}`, err);
      })
    : await spawnShim(shim, inv, opts);
  if (code !== 0) throw runtimeError(inv.name, 'create', opts.id, stderr, code);
  return reportedPids(stdout) ?? (await pidsFromStateDir(opts.stateDir));
}

async function spawnShim(shim: string, inv: RuntimeInvocation, opts: CreateOptions): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(shim, shimArgs(inv, opts), { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (err) => reject(unavailable(`berth-shim: cannot run ${shim}: ${err.message}`, err)));
    child.on('exit', (exitCode) => {
      // The detached half must not hold our pipes; stop reading once the parent is gone.
      setImmediate(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({ code: exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
    });
  });
}

/** berth-shim prints {"shimPid":N,"initPid":N} on success. */
function reportedPids(stdout: string): { shimPid: number; initPid: number } | undefined {
  try {
    const parsed = JSON.parse(stdout) as { shimPid?: unknown; initPid?: unknown };
    const { shimPid, initPid } = parsed;
    if (typeof shimPid === 'number' && shimPid > 0 && typeof initPid === 'number' && initPid > 0) return { shimPid, initPid };
  } catch {
    // not printed: fall back to the pid files
  }
  return undefined;
}

async function pidsFromStateDir(stateDir: string): Promise<{ shimPid: number; initPid: number }> {
  const [shimPid, initPid] = await Promise.all([readPid(path.join(stateDir, 'shim.pid')), readPid(path.join(stateDir, 'init.pid'))]);
  return { shimPid, initPid };
}

const START = 5;
const STARTED = 6;
const KILL = 7;
const KILLED = 8;
/** A shim older than frame 7 ignores it: give up on an answer after this long. */
const KILL_ANSWER_MS = 1000;

/**
 * One request frame to the container's shim on its attach.sock, and the payload of the
 * first answer frame of type `answer` (frames before it, output sent before the shim read
 * the request, are skipped). undefined when the shim cannot be asked: gone, or it hung up
 * (or let `timeoutMs` pass) without answering.
 */
function askShim(stateDir: string, type: number, payload: Buffer, answer: number, timeoutMs?: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect(path.join(stateDir, 'attach.sock'));
    let result: Buffer | undefined;
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => sock.destroy(), timeoutMs);
    sock.on('error', () => sock.destroy());
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(result);
    });
    sock.on('connect', () => sock.write(encodeFrame(type, payload)));
    sock.on(
      'data',
      frameSplitter((t, data) => {
        if (result !== undefined || t !== answer || data.length < 1) return;
        result = Buffer.from(data);
        sock.destroy();
      }),
    );
  });
}

/**
 * `<runtime> start` run by the container's shim (frame 5 on its attach.sock, answered by
 * frame 6: [status byte][the runtime's output]): no process of berthd's own for the start.
 * Attaches connected before this call are taken by the shim first. undefined when the shim
 * cannot be asked (gone, or it hung up without answering): the caller runs the verb itself.
 */
export async function startThroughShim(stateDir: string): Promise<{ code: number; output: string } | undefined> {
  const a = await askShim(stateDir, START, Buffer.alloc(0), STARTED);
  return a && { code: a[0] ?? 1, output: a.subarray(1).toString('utf8') };
}

/**
 * Signal a container through its shim (frame 7 [signal, all], answered by frame 8 [status]:
 * 0 sent, 1 not running, 2 failed): the shim is the init's parent, so the pid it signals
 * is the init's until it reaps it, and no process is started for it. undefined when the
 * shim cannot be asked (gone, or no answer): the caller runs the runtime's verb.
 */
export async function killThroughShim(stateDir: string, signal: number, all: boolean): Promise<number | undefined> {
  const a = await askShim(stateDir, KILL, Buffer.from([signal, all ? 1 : 0]), KILLED, KILL_ANSWER_MS);
  return a && (a[0] ?? 2);
}
