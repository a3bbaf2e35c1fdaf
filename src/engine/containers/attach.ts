import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { Containers } from './containers.js';
import { streamLogs } from './log-stream.js';
import type { ContainerRecord } from './model.js';
import { resizeTty, ShimConnection } from './shim-attach.js';

// POST /containers/:id/attach, as dockerd serves it: with logs=1 the json-file log first,
// then with stream=1 the live output from the shim's attach.sock (stdout and stderr apart)
// until the container's next exit. An attach made before the start (docker run) is
// connected once the shim has created the container and before its process starts, so
// nothing it writes is missed. stdin goes over the same connection; when the client's
// stdin ends, a StdinOnce container's stdin is closed (not with a tty), otherwise this
// attach ends (Docker's rule).

export interface AttachRequest {
  stdout: boolean;
  stderr: boolean;
  /** replay the log first */
  logs: boolean;
  /** then follow */
  stream: boolean;
  /** The client's stdin (already checked against OpenStdin) and the bytes that came with the request. */
  stdin?: { from: Duplex; first: Buffer };
  /** Where output goes; false asks for a pause until `drain`. */
  write(stream: 'stdout' | 'stderr', data: Buffer): boolean;
  drain: Duplex;
  signal: AbortSignal;
}

type Connect = () => Promise<void>;

/**
 * Attaches parked until the next start. The lifecycle calls created() between the shim's
 * create and the runtime's start (the container's process has not run yet).
 */
export class PreStartAttaches {
  private readonly parked = new Map<string, Set<Connect>>();

  park(id: string, connect: Connect, signal: AbortSignal): void {
    const set = this.parked.get(id) ?? new Set<Connect>();
    set.add(connect);
    this.parked.set(id, set);
    signal.addEventListener('abort', () => {
      set.delete(connect);
      if (set.size === 0 && this.parked.get(id) === set) this.parked.delete(id);
    });
  }

  /**
   * The container's tty gets HostConfig.ConsoleSize (the process has not run: it sees the
   * size from its first instruction), then what is parked for it connects; a connection that
   * does not come within 2 s is not waited for.
   */
  async created(c: ContainerRecord, stateDir: string): Promise<void> {
    const id = c.Id;
    const size = c.Config.Tty ? c.HostConfig.ConsoleSize : undefined;
    if (size) await resizeTty(path.join(stateDir, 'attach.sock'), size[0], size[1]);
    const set = this.parked.get(id);
    if (!set) return;
    this.parked.delete(id);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all([...set].map((connect) => connect().catch(() => undefined))), new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
  }
}

export function attachSocketPath(containers: Containers, id: string): string {
  return path.join(containers.registry.paths(id).stateDir, 'attach.sock');
}

/** Serves one attach; resolves when it is over (the output ended or the client left). */
export async function attach(containers: Containers, c: ContainerRecord, req: AttachRequest): Promise<void> {
  const sock = attachSocketPath(containers, c.Id);
  const wantsLive = req.stream || req.stdin !== undefined;
  // Parked before anything is awaited, so a start that follows our answer cannot slip by.
  let connection: Promise<ShimConnection | undefined> | undefined;
  if (wantsLive && !containers.lifecycle.isRunning(c)) connection = parkUntilCreated(containers, c.Id, sock, req.signal);
  if (req.logs) {
    const file = containers.registry.paths(c.Id).logPath;
    await streamLogs({ file, stdout: req.stdout, stderr: req.stderr, timestamps: false, follow: false }, (l) => void req.write(l.stream, l.data), undefined, req.signal);
  }
  if (!wantsLive || req.signal.aborted) return;
  const conn = await (connection ?? ShimConnection.connect(sock));
  if (!conn) return;
  if (req.signal.aborted) return conn.destroy();
  const onAbort = (): void => conn.destroy();
  req.signal.addEventListener('abort', onAbort);
  let endAttach: () => void = () => undefined;
  const stdinEnded = new Promise<void>((resolve) => (endAttach = resolve));
  let held = false;
  conn.output((stream, data) => {
    if (!req.stream || (stream === 'stdout' ? !req.stdout : !req.stderr)) return;
    if (!req.write(stream, data) && !held) {
      // back-pressure: the shim (and so the container) waits for our client
      held = true;
      conn.pause();
      req.drain.once('drain', () => {
        held = false;
        conn.resume();
      });
    }
  });
  if (req.stdin) {
    void conn.pipeStdin(req.stdin.from, req.stdin.first).then((ended) => {
      if (!ended) return;
      if (c.Config.StdinOnce && !c.Config.Tty) conn.closeStdin();
      else endAttach();
    });
  }
  await Promise.race([conn.closed, stdinEnded]);
  req.signal.removeEventListener('abort', onAbort);
  conn.destroy();
}

/** Parks until the shim of the next run exists (or the container is removed, or the client leaves). */
function parkUntilCreated(containers: Containers, id: string, sock: string, signal: AbortSignal): Promise<ShimConnection | undefined> {
  return new Promise((resolve) => {
    const ctl = new AbortController();
    const finish = (conn: ShimConnection | undefined): void => {
      if (ctl.signal.aborted) return conn?.destroy();
      ctl.abort();
      unsubscribe();
      resolve(conn);
    };
    const unsubscribe = containers.opts.events.subscribe((e) => {
      if (e.Type === 'container' && e.Actor.ID === id && e.Action === 'destroy') finish(undefined);
    });
    signal.addEventListener('abort', () => finish(undefined), { signal: ctl.signal });
    containers.lifecycle.attaches.park(id, async () => finish(await ShimConnection.connect(sock)), ctl.signal);
  });
}

/** POST /containers/:id/resize: the tty's size, through the shim (a container without a tty has none: nothing to do). */
export async function resizeContainer(containers: Containers, c: ContainerRecord, rows: number, cols: number): Promise<void> {
  if (!c.Config.Tty) return;
  await resizeTty(attachSocketPath(containers, c.Id), rows, cols);
}
