import type { Duplex } from 'node:stream';
import { frameSplitter } from '../../client/stream-frames.js';
import { DetachKeysFilter } from './detach-keys.js';

// Copies an attached/exec'd stream to this process's stdout/stderr: raw bytes with a TTY,
// demultiplexed frames without one. Resolves when the stream ends. Our stdout and stderr
// are only asked for when there is something to write (creating them costs a few ms; a
// pipe() would ask for both).
export function pipeContainerOutput(socket: Duplex, head: Buffer, tty: boolean): Promise<void> {
  return new Promise((resolve) => {
    if (tty) {
      if (head.length > 0) process.stdout.write(head);
      socket.on('data', (chunk: Buffer) => process.stdout.write(chunk));
    } else {
      const split = frameSplitter((frame) => (frame.stream === 'stderr' ? process.stderr : process.stdout).write(frame.data));
      if (head.length > 0) split(head);
      socket.on('data', split);
    }
    socket.on('end', () => resolve());
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
}

/**
 * Forward our stdin to the container (interactive runs); raw mode when we have a TTY.
 * When our stdin ends the connection is half-closed (the engine then closes a StdinOnce
 * container's stdin, as docker does), and the output still comes until the engine ends it.
 * On a TTY, `detach` (docker's detach keys) is watched for: the keys are not sent, and
 * `onDetach` is called once they were typed (nothing more is sent after them).
 */
export function forwardStdin(socket: Duplex, tty: boolean, detach?: { keys: Buffer; onDetach: () => void }): () => void {
  const raw = tty && process.stdin.isTTY;
  if (raw) process.stdin.setRawMode(true);
  const stop = (): void => {
    process.stdin.unpipe(socket);
    process.stdin.off('data', onData);
    process.stdin.off('end', onEnd);
    if (raw) process.stdin.setRawMode(false);
    process.stdin.pause();
  };
  const filter = raw && detach ? new DetachKeysFilter(detach.keys) : undefined;
  const onData = (chunk: Buffer): void => {
    if (!filter) return;
    const out = filter.push(chunk);
    if (out.length > 0 && !socket.destroyed) socket.write(out);
    if (filter.detached) {
      stop();
      detach?.onDetach();
    }
  };
  const onEnd = (): void => void socket.end();
  if (filter) {
    process.stdin.on('data', onData);
    process.stdin.on('end', onEnd);
  } else {
    process.stdin.pipe(socket);
  }
  return stop;
}

/**
 * Keeps a container's or exec's terminal the size of ours, as docker does: once now (after
 * the start) and on every SIGWINCH. Nothing to do when our stdout is not a terminal.
 */
export function followTerminalSize(resize: (rows: number, cols: number) => Promise<unknown>): () => void {
  const out = process.stdout;
  if (!out.isTTY) return () => undefined;
  const send = (): void => {
    if (out.rows > 0 && out.columns > 0) void resize(out.rows, out.columns).catch(() => undefined);
  };
  send();
  out.on('resize', send);
  return () => out.off('resize', send);
}

/**
 * What docker's --sig-proxy forwards to the container (attach, run, start -a; never with a
 * TTY): every signal the CLI can catch but SIGCHLD and SIGPIPE, as docker. Not the faults
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL: Node cannot run a listener safely after a real one),
 * nor SIGPROF and SIGTRAP, which profilers and debuggers of the CLI itself use. The usual
 * six from the session's start; the others once the container runs (`running()`): each
 * listener costs ~0.1 ms, and `run` is timed to the millisecond.
 */
const FIRST_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
const OTHER_SIGNALS: NodeJS.Signals[] = [
  'SIGABRT', 'SIGALRM', 'SIGSTKFLT', 'SIGCONT', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

/** An attached session's moving parts, as `attach`, `run` and `start -a` all use them. */
export interface AttachSession {
  /** The container's output copied to ours; resolves when the stream ends. */
  output: Promise<void>;
  /** Resolves when the user typed the detach keys. */
  detached: Promise<void>;
  /** The container runs: forward the rest of docker's signals too (idempotent). */
  running(): void;
  /** Stop forwarding stdin and signals (idempotent). */
  end(): void;
}

/**
 * Show the attached stream's output, send our stdin (when asked, watching the detach keys),
 * and, with docker's --sig-proxy, the signals we get to the container (never with a TTY:
 * the terminal carries ^C) as kill requests.
 */
export function attachSession(socket: Duplex, head: Buffer, opts: { tty: boolean; stdin: boolean; keys: Buffer; sigProxy: boolean; kill: (signal: NodeJS.Signals) => Promise<unknown> }): AttachSession {
  let onDetach = (): void => undefined;
  const detached = new Promise<void>((resolve) => (onDetach = resolve));
  const stopStdin = opts.stdin ? forwardStdin(socket, opts.tty, { keys: opts.keys, onDetach }) : () => undefined;
  const output = pipeContainerOutput(socket, head, opts.tty);
  const proxying = opts.sigProxy && !opts.tty;
  const proxied: NodeJS.Signals[] = [];
  const proxy = (sig: NodeJS.Signals): void => void opts.kill(sig).catch(() => undefined);
  const take = (signals: NodeJS.Signals[]): void => {
    for (const sig of signals) {
      if (proxied.includes(sig)) continue;
      proxied.push(sig);
      process.on(sig, proxy);
    }
  };
  let ended = false;
  if (proxying) take(FIRST_SIGNALS);
  return {
    output,
    detached,
    running: () => {
      if (proxying && !ended) take(OTHER_SIGNALS);
    },
    end: () => {
      ended = true;
      for (const sig of proxied) process.off(sig, proxy);
      proxied.length = 0;
      stopStdin();
    },
  };
}
