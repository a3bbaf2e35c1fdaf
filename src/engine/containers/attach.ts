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
  const stopped = containers.lifecycle.waiters.nextExit(c.Id).then(() => undefined);
  await streamLogs({ file, stdout: o.stdout, stderr: o.stderr, timestamps: false, follow: true, fromEnd: true }, emit, stopped, o.signal);
}

/** Forward the client's stdin to the shim; ends with either side. */
export function inputOf(stateDir: string, client: Duplex, first: Buffer, signal: AbortSignal): void {
  const sock = path.join(stateDir, 'attach.sock');
  if (!existsSync(sock)) return;
  const conn = net.connect(sock);
  conn.on('error', () => conn.destroy());
  if (first.length > 0) conn.write(first);
  client.pipe(conn);
  signal.addEventListener('abort', () => conn.destroy());
}
