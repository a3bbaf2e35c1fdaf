import net from 'node:net';
import type { Readable } from 'node:stream';
import { frameHeader, frameSplitter } from '../../stream-frames.js';

// A connection to a shim's attach.sock (see src/runtime/core/shim.c). Both ways the frames
// have Docker's multiplexed-stream shape, [type, 0, 0, 0, length (uint32 BE)] + payload:
// from the shim 1 stdout and 2 stderr (live, from the moment of connecting; the shim closes
// its side once the container exited and its output is drained, and waits for us to hang up,
// so a frame we write meanwhile meets no closed socket); to the shim 0 stdin,
// 3 close the container's stdin, 4 resize its tty (rows, cols as uint16 BE).

const STDIN = 0;
const CLOSE_STDIN = 3;
const RESIZE = 4;

export type OutputSink = (stream: 'stdout' | 'stderr', data: Buffer) => void;

export class ShimConnection {
  /** Output that came before a sink was set. */
  private held: Buffer[] = [];
  private sink: OutputSink | undefined;
  private readonly split = frameSplitter((type, data) => {
    if (type === 1 || type === 2) this.sink?.(type === 1 ? 'stdout' : 'stderr', data);
  });
  /** Resolves when the shim closes the connection (the container's output is over) or it fails. */
  readonly closed: Promise<void>;

  private constructor(private readonly sock: net.Socket) {
    this.closed = new Promise((resolve) => {
      sock.on('close', () => resolve());
    });
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: Buffer) => (this.sink ? this.split(chunk) : this.held.push(chunk)));
  }

  /** Connects; undefined when there is no shim to connect to (not running, or just exited). */
  static connect(socketPath: string): Promise<ShimConnection | undefined> {
    return new Promise((resolve) => {
      const sock = net.connect(socketPath);
      sock.once('error', () => {
        sock.destroy();
        resolve(undefined);
      });
      sock.once('connect', () => {
        sock.removeAllListeners('error');
        resolve(new ShimConnection(sock));
      });
    });
  }

  /** Where output frames go; output that arrives before this is set is held. */
  output(sink: OutputSink): void {
    this.sink = sink;
    for (const chunk of this.held.splice(0)) this.split(chunk);
  }

  /** Stop reading the shim's output (back-pressure: the shim then waits, as the container). */
  pause(): void {
    this.sock.pause();
  }

  resume(): void {
    this.sock.resume();
  }

  /** Returns false when the shim is not taking input as fast (wait for 'drain'). */
  /** Whether frames can still go to the shim (not after its end of output: it is hanging up). */
  private get open(): boolean {
    return !this.sock.destroyed && this.sock.writable;
  }

  stdin(data: Buffer): boolean {
    if (data.length === 0 || !this.open) return true;
    this.sock.write(frameHeader(STDIN, data.length));
    return this.sock.write(data);
  }

  closeStdin(): void {
    if (this.open) this.sock.write(frameHeader(CLOSE_STDIN, 0));
  }

  resize(rows: number, cols: number): void {
    if (!this.open) return;
    const b = Buffer.alloc(12);
    frameHeader(RESIZE, 4).copy(b);
    b.writeUInt16BE(rows & 0xffff, 8);
    b.writeUInt16BE(cols & 0xffff, 10);
    this.sock.write(b);
  }

  /**
   * Copies `from` to the container's stdin with back-pressure; resolves when `from` ends
   * (true) or the connection closes first (false).
   */
  pipeStdin(from: Readable, first: Buffer): Promise<boolean> {
    return new Promise((resolve) => {
      const onData = (d: Buffer): void => {
        if (!this.stdin(d)) {
          from.pause();
          this.sock.once('drain', () => from.resume());
        }
      };
      const done = (ended: boolean): void => {
        from.off('data', onData);
        from.off('end', onEnd);
        resolve(ended);
      };
      const onEnd = (): void => done(true);
      from.on('data', onData);
      from.once('end', onEnd);
      void this.closed.then(() => done(false));
      if (first.length > 0) this.stdin(first);
      from.resume();
    });
  }

  /** Writes what is queued, then closes our side. */
  end(): void {
    this.sock.end();
  }

  destroy(): void {
    this.sock.destroy();
  }
}

/**
 * Sends one resize to a container's tty; resolves once the shim has applied it (it closes a
 * client after that client's last frame), or after 2 s.
 */
export async function resizeTty(socketPath: string, rows: number, cols: number): Promise<boolean> {
  const conn = await ShimConnection.connect(socketPath);
  if (!conn) return false;
  conn.output(() => undefined);
  conn.resize(rows, cols);
  conn.end();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([conn.closed, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
  clearTimeout(timer);
  conn.destroy();
  return true;
}
