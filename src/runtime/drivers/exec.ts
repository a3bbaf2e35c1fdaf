// `<runtime> exec --process FILE ID`: the process JSON goes to a private temp file (argv
// would leak env vars to ps and hit length limits). Output is kept up to a bound (health
// checks only need the head), and a timeout kills the process inside the container by
// the pid the runtime wrote, since killing the runtime alone would orphan it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { BerthError } from '../../errors.js';
import type { ExecOptions, ExecResult, OciProcess } from '../types.js';
import { runtimeError } from './runtime-errors.js';
import { findOnPath, type RuntimeInvocation } from './runtime-invocation.js';

export const DEFAULT_MAX_OUTPUT = 64 * 1024;

interface PreparedExec {
  dir: string;
  pidFile: string;
  argv: string[];
}

/** tmpfs when there is one: the process file never needs to reach a disk. */
const scratchRoot = ((): string => {
  try {
    if (statSync('/dev/shm').isDirectory()) return '/dev/shm';
  } catch {
    // no /dev/shm
  }
  return os.tmpdir();
})();

/**
 * The exec's private dir and process file. Sync calls on purpose (~20 µs each on a tmpfs):
 * the async ones queue behind the 4-thread pool that container starts and removals keep
 * busy, which cost a health probe ~7 ms under load.
 */
function prepare(inv: RuntimeInvocation, id: string, proc: OciProcess, detach: boolean, extra: string[] = [], globals: (dir: string) => string[] = () => []): PreparedExec {
  const dir = mkdtempSync(path.join(scratchRoot, 'berth-exec-'));
  const processFile = path.join(dir, 'process.json');
  const pidFile = path.join(dir, 'exec.pid');
  try {
    writeFileSync(processFile, JSON.stringify(proc), { mode: 0o600 });
  } catch (err) {
    removeDir(dir);
    throw err;
  }
  const argv = [...inv.prefix, ...globals(dir), 'exec', '--process', processFile, '--pid-file', pidFile, ...extra];
  if (detach) argv.push('--detach');
  argv.push(id);
  return { dir, pidFile, argv };
}

function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function readExecPid(pidFile: string): Promise<number | undefined> {
  return Promise.resolve(readExecPidSync(pidFile));
}

function readExecPidSync(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the first `max` bytes written to it and drops the rest. */
class BoundedSink {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  constructor(private readonly max: number) {}
  push(b: Buffer): void {
    if (this.kept >= this.max) return;
    const slice = b.subarray(0, this.max - this.kept);
    this.chunks.push(slice);
    this.kept += slice.length;
  }
  buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export async function execCollect(inv: RuntimeInvocation, id: string, proc: OciProcess, opts: ExecOptions = {}): Promise<ExecResult> {
  if (opts.tty) throw new BerthError('invalid', `exec in ${id}: a collected exec has no terminal; use the streaming exec for tty`);
  const prep = prepare(inv, id, { ...proc, terminal: false }, opts.detach ?? false);
  try {
    const max = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const out = new BoundedSink(max);
    const err = new BoundedSink(max);
    // Everything the runtime itself says also lands on stderr: keep its full text to explain failures.
    const allErr: Buffer[] = [];
    // A detached process inherits the runtime's stdio and outlives it: give it a file, not
    // our pipes, or 'close' would wait for the process; the runtime's errors are read back.
    const detachedErr = opts.detach ? await open(path.join(prep.dir, 'stderr'), 'w+') : undefined;
    const child = spawn(inv.file, prep.argv, { stdio: ['ignore', detachedErr ? 'ignore' : 'pipe', detachedErr ? detachedErr.fd : 'pipe'] });
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => {
      err.push(b);
      if (allErr.length < 64) allErr.push(b);
    });
    let timedOut = false;
    let canceled = false;
    // Kill the process itself and let the runtime reap it and exit: killing the runtime
    // would orphan the process to the host's init, and the container's pid 1 cannot finish
    // exiting until every orphan in its pid namespace has been reaped by someone.
    const killInside = (): void => {
      void readExecPid(prep.pidFile).then((pid) => {
        try {
          if (pid !== undefined) process.kill(pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      });
    };
    const timer = opts.timeoutMs !== undefined ? setTimeout(() => ((timedOut = true), killInside()), opts.timeoutMs) : undefined;
    const onAbort = (): void => {
      canceled = true;
      killInside();
    };
    opts.signal?.addEventListener('abort', onAbort);
    if (opts.signal?.aborted) onAbort();
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', (err) => reject(new BerthError('unavailable', `${inv.name}: cannot run ${inv.file}: ${err.message}`, { cause: err })));
      child.on('close', (c, sig) => resolve(c ?? (sig ? 128 + (os.constants.signals[sig] ?? 0) : null)));
    });
    if (timer) clearTimeout(timer);
    if (detachedErr) {
      allErr.push(await readFile(path.join(prep.dir, 'stderr')));
      await detachedErr.close();
    }
    opts.signal?.removeEventListener('abort', onAbort);
    if (canceled) throw new BerthError('canceled', `exec in ${id}: canceled`);
    if (timedOut) throw new BerthError('unavailable', `exec in ${id}: timed out after ${opts.timeoutMs} ms`, { detail: { timeout: true, stdout: out.buffer(), stderr: err.buffer() } });
    // No pid file means the runtime never started the process: its stderr is its own error.
    const pid = readExecPidSync(prep.pidFile);
    if (code !== 0 && pid === undefined) {
      throw runtimeError(inv.name, 'exec', id, Buffer.concat(allErr).toString('utf8'), code, 'failed_precondition');
    }
    return { exitCode: code ?? -1, stdout: out.buffer(), stderr: err.buffer(), ...(pid !== undefined ? { pid } : {}) };
  } finally {
    removeDir(prep.dir);
  }
}

/** Quotes one argument for `sh -c`. */
const shQuote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;

/** The exec'd process's host pid, once the runtime wrote it (fs.watch on its directory); undefined if it never ran. */
function execPid(pidFile: string, closed: Promise<unknown>): Promise<number | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (pid: number | undefined): void => {
      if (settled) return;
      settled = true;
      watcher.close();
      resolve(pid);
    };
    const check = (): void => void readExecPid(pidFile).then((pid) => pid !== undefined && finish(pid));
    const watcher = watch(path.dirname(pidFile), check);
    check();
    void closed.then(() => readExecPid(pidFile).then(finish));
  });
}

export interface DetachedExec {
  /** the process's host pid */
  pid: number;
  /** its exit code, once it exited (null: unknown) */
  done: Promise<number | null>;
}

/**
 * A detached exec (`docker exec -d`), as Docker runs one: answered once the process runs, or
 * with the runtime's error when it cannot start; its exit code known when it ends. The
 * runtime runs without --detach, so that it waits for the process and exits with its code;
 * everyone's stdio is /dev/null (the output goes nowhere, as Docker's, and nothing ties the
 * process to berthd: it outlives a berthd restart). The runtime's own errors go to its --log
 * file (runc, crun and berth-core all take --log and --log-format json).
 */
export async function execDetached(inv: RuntimeInvocation, id: string, proc: OciProcess): Promise<DetachedExec> {
  const prep = prepare(inv, id, { ...proc, terminal: false }, false, [], (dir) => ['--log', path.join(dir, 'runtime.log'), '--log-format', 'json']);
  const child = spawn(inv.file, prep.argv, { stdio: 'ignore' });
  const closed = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (c, sig) => resolve(c ?? (sig ? 128 + (os.constants.signals[sig] ?? 0) : null)));
  });
  const pid = await execPid(prep.pidFile, closed);
  if (pid === undefined) {
    const code = await closed;
    let log = '';
    try {
      log = readFileSync(path.join(prep.dir, 'runtime.log'), 'utf8');
    } catch {
      // no log: the message says the status only
    }
    removeDir(prep.dir);
    throw runtimeError(inv.name, 'exec', id, log, code, 'failed_precondition');
  }
  return { pid, done: closed.finally(() => removeDir(prep.dir)) };
}

export interface ExecStream {
  child: ChildProcess;
  /** the exit code, once the runtime exited */
  done: Promise<number | null>;
  /** the process's host pid (undefined when it never started) */
  pid: Promise<number | undefined>;
  /** Set the terminal's size (tty execs under berth-core; a no-op otherwise). */
  resize(rows: number, cols: number): void;
}

/**
 * Streaming exec (for `docker exec`): the caller owns the child's stdin/stdout/stderr;
 * `done` resolves with the exit code when the runtime exits, and the runtime forwards
 * signals sent to the child to the process in the container. With a tty, stdout carries
 * the terminal's single stream. berth-core, given a terminal and no console socket,
 * proxies the process's pty over its own stdio, so it runs on our pipes, and takes window
 * sizes on fd 3 (--resize-fd); runc and crun want a terminal of their own, which
 * util-linux script(1) allocates (Node can neither pass a pty nor receive a console fd),
 * and are not resized.
 */
export async function execStream(inv: RuntimeInvocation, id: string, proc: OciProcess, opts: { tty?: boolean } = {}): Promise<ExecStream> {
  const tty = opts.tty ?? false;
  const resizable = tty && inv.name === 'berth-core';
  const prep = prepare(inv, id, { ...proc, terminal: tty }, false, resizable ? ['--resize-fd', '3'] : []);
  let child: ChildProcess;
  if (tty && inv.name !== 'berth-core') {
    const script = findOnPath('script');
    if (!script) throw new BerthError('unavailable', `exec with a tty under ${inv.name} needs script(1) from util-linux (apt-get install bsdutils)`);
    const cmd = [inv.file, ...prep.argv].map(shQuote).join(' ');
    child = spawn(script, ['--quiet', '--return', '--flush', '--command', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SHELL: '/bin/sh' } });
  } else {
    child = spawn(inv.file, prep.argv, { stdio: resizable ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'] });
  }
  const closed = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (c) => resolve(c));
  });
  const pid = execPid(prep.pidFile, closed);
  const done = closed.then(async (code) => (await pid, code)).finally(() => removeDir(prep.dir));
  const control = resizable ? (child.stdio[3] as Writable | null) : null;
  control?.on('error', () => undefined);
  const resize = (rows: number, cols: number): void => {
    if (!control || control.destroyed || !control.writable) return;
    const b = Buffer.alloc(4);
    b.writeUInt16BE(rows & 0xffff, 0);
    b.writeUInt16BE(cols & 0xffff, 2);
    control.write(b);
  };
  return { child, done, pid, resize };
}
