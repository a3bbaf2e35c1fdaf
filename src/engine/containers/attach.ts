import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { Containers } from './containers.js';
import { streamLogs } from './log-stream.js';
import type { ContainerRecord } from './model.js';

// POST /containers/:id/attach. Output comes from the shim's json-file log (it keeps which
// stream each line came from), followed from the moment of attaching until the
// container's next exit; stdin goes to the shim's attach.sock.

export interface AttachOutput {
  stdout: boolean;
  stderr: boolean;
  /** replay the log first */
  logs: boolean;
  /** then follow */
  stream: boolean;
  write(stream: 'stdout' | 'stderr', data: Buffer): void;
  signal: AbortSignal;
}

export async function outputOf(containers: Containers, c: ContainerRecord, o: AttachOutput): Promise<void> {
  const file = containers.registry.paths(c.Id).logPath;
  const emit = (line: { stream: 'stdout' | 'stderr'; data: Buffer }): void => o.write(line.stream, line.data);
  if (o.logs) await streamLogs({ file, stdout: o.stdout, stderr: o.stderr, timestamps: false, follow: false }, emit, undefined, o.signal);
  if (!o.stream) return;
  // Parked before the next start (docker run attaches first): follow until that run ends.
  const stopped = containers.lifecycle.waiters.nextExit(c.Id, o.signal).then(() => undefined);
  await streamLogs({ file, stdout: o.stdout, stderr: o.stderr, timestamps: false, follow: true, fromEnd: true }, emit, stopped, o.signal);
}

/**
 * Forward the client's stdin to the shim's attach.sock; ends with either side. An attach
 * made before the start (docker run -i) connects once the container has started: until
 * then the client's bytes wait unread in the socket.
 */
export function inputOf(containers: Containers, c: ContainerRecord, client: Duplex, first: Buffer, signal: AbortSignal): void {
  const sock = path.join(containers.registry.paths(c.Id).stateDir, 'attach.sock');
  client.pause();
  const connect = (): void => {
    if (signal.aborted || !existsSync(sock)) return;
    const conn = net.connect(sock);
    conn.on('error', () => conn.destroy());
    if (first.length > 0) conn.write(first);
    client.pipe(conn);
    client.resume();
    signal.addEventListener('abort', () => conn.destroy());
  };
  if (containers.lifecycle.isRunning(c)) {
    connect();
    return;
  }
  const unsubscribe = containers.opts.events.subscribe((e) => {
    if (e.Type !== 'container' || e.Actor.ID !== c.Id || e.Action !== 'start') return;
    unsubscribe();
    connect();
  });
  signal.addEventListener('abort', unsubscribe);
}
