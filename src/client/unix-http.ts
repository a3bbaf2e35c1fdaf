import { connect, type Socket } from 'node:net';

// A small HTTP/1.1 client for the engine's UNIX socket: one request, its whole answer
// (Content-Length, chunked or until EOF), or a connection upgrade (attach, exec start).
// Why not node:http: loading it (_http_agent, _http_client, _http_outgoing, …) and its
// per-request machinery were ~6 ms of a ~60 ms `berth container run`. An answer read as it
// arrives (unixStream: the events stream, which `up --wait` opens) comes here too; requests
// whose body is a stream, and the other streamed answers (logs, image save/load), still go
// through node:http (engine-client.ts).

export interface UnixRequest {
  method: string;
  /** Path and query, already encoded. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  signal?: AbortSignal;
  /** Give up (an error 'timeout') when no complete answer came in this many ms. */
  timeoutMs?: number;
}

export interface UnixResponse {
  statusCode: number;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: Buffer;
}

/** A 101 answer to an upgrade: the connection is the caller's, `head` the bytes already read past the headers. */
export interface UnixUpgrade {
  statusCode: 101;
  headers: Record<string, string>;
  socket: Socket;
  head: Buffer;
}

/** Send a request and read its whole answer. Errors: the connection's (ENOENT, ECONNREFUSED, 'socket hang up'), an AbortError, 'timeout'. */
export function unixRequest(socketPath: string, req: UnixRequest): Promise<UnixResponse> {
  return exchange(socketPath, req, false) as Promise<UnixResponse>;
}

/** Send an upgrade request (Connection: Upgrade is the caller's header): a 101 hands over the socket; any other answer is read whole. */
export function unixUpgrade(socketPath: string, req: UnixRequest): Promise<UnixUpgrade | UnixResponse> {
  return exchange(socketPath, req, true);
}

/** The answer of unixStream when it is not an error: its body as it arrives (chunked, by length or until EOF). */
export interface UnixStream {
  statusCode: number;
  headers: Record<string, string>;
  chunks: AsyncIterable<Buffer>;
}

/**
 * Send a request on a connection of its own and resolve at the answer's head; its body is
 * then read as it comes (UnixStream.chunks, ending with the answer or the connection). An
 * answer of 400 or more is read whole (UnixResponse). Aborting the signal closes the
 * connection: the iteration throws an AbortError.
 */
export function unixStream(socketPath: string, req: UnixRequest): Promise<UnixStream | UnixResponse> {
  return new Promise((resolve, reject) => {
    const { signal } = req;
    if (signal?.aborted) return reject(abortError(signal));
    const socket = connect(socketPath);
    const parser = new ResponseParser();
    const queue: Buffer[] = [];
    let headed = false;
    let ended = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const notify = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const stop = (err?: Error): void => {
      if (ended) return;
      ended = true;
      failure = err;
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (!headed) reject(err ?? hangUp('socket hang up'));
      notify();
    };
    async function* iterate(): AsyncGenerator<Buffer> {
      try {
        for (;;) {
          const next = queue.shift();
          if (next !== undefined) {
            yield next;
            continue;
          }
          if (ended) {
            if (failure) throw failure;
            return;
          }
          await new Promise<void>((r) => (wake = r));
        }
      } finally {
        // The consumer stopped early (break, return): the connection goes.
        stop();
      }
    }
    const onData = (chunk: Buffer): void => {
      let complete: boolean;
      try {
        complete = parser.feed(chunk);
      } catch (err) {
        stop(err as Error);
        return;
      }
      if (!parser.headed()) return;
      const head = parser.head();
      if (head.statusCode >= 400) {
        if (!complete) return;
        headed = true;
        stop();
        resolve(parser.result());
        return;
      }
      if (!headed) {
        headed = true;
        resolve({ ...head, chunks: iterate() });
      }
      queue.push(...parser.drain());
      if (complete) stop();
      else notify();
    };
    const onEnd = (): void => {
      if (parser.endOfInput()) {
        if (!headed && parser.headed() && parser.head().statusCode >= 400) {
          // An error answer whose body ran to the end of the connection: whole now.
          headed = true;
          stop();
          resolve(parser.result());
          return;
        }
        queue.push(...parser.drain());
        stop();
      } else stop(hangUp(parser.started() ? 'aborted' : 'socket hang up'));
    };
    const onAbort = (): void => stop(abortError(signal));
    socket.on('data', onData).on('end', onEnd).on('close', () => stop(hangUp('socket hang up'))).on('error', (err: Error) => stop(err));
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.write(encodeRequest(req));
  });
}

// Idle keep-alive connections by socket path, as Node's agent keeps them: the ping's
// connection carries the command's first request. Unreferenced, so they never keep the
// process alive.
const idle = new Map<string, Idle[]>();

/** An idle connection and the listener that ends it if the engine closes it meanwhile. */
interface Idle {
  socket: Socket;
  drop: () => void;
}

function takeIdle(socketPath: string): Socket | undefined {
  const list = idle.get(socketPath);
  while (list !== undefined && list.length > 0) {
    const entry = list.pop();
    if (entry === undefined) break;
    const { socket, drop } = entry;
    // Only our listeners: net's own (its 'end' handler ends our side) stay.
    socket.removeListener('data', drop).removeListener('end', drop).removeListener('close', drop).removeListener('error', drop);
    if (!socket.destroyed && socket.readable && socket.writable) {
      socket.ref();
      return socket;
    }
    socket.destroy();
  }
  return undefined;
}

function keepIdle(socketPath: string, socket: Socket): void {
  let list = idle.get(socketPath);
  if (list === undefined) idle.set(socketPath, (list = []));
  const entries = list;
  const drop = (): void => {
    const at = entries.findIndex((e) => e.socket === socket);
    if (at >= 0) entries.splice(at, 1);
    socket.destroy();
  };
  // The engine closing an idle connection (or sending what nobody asked for) ends it.
  socket.on('data', drop).on('end', drop).on('close', drop).on('error', drop);
  socket.unref();
  entries.push({ socket, drop });
}

function exchange(socketPath: string, req: UnixRequest, upgrade: boolean): Promise<UnixUpgrade | UnixResponse> {
  let bytes: Buffer;
  try {
    bytes = encodeRequest(req);
  } catch (err) {
    return Promise.reject(err as Error);
  }
  const reused = takeIdle(socketPath);
  return attempt(socketPath, req, bytes, upgrade, reused).catch((err: unknown) => {
    // An idle connection the engine closed as we wrote to it: nothing was read, so the
    // engine did not take the request; once more on a new connection.
    if (reused !== undefined && err instanceof StaleConnection) return attempt(socketPath, req, bytes, upgrade, undefined);
    throw err instanceof StaleConnection ? err.cause : err;
  });
}

class StaleConnection extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

function attempt(socketPath: string, req: UnixRequest, bytes: Buffer, upgrade: boolean, reused: Socket | undefined): Promise<UnixUpgrade | UnixResponse> {
  return new Promise((resolve, reject) => {
    const { signal } = req;
    if (signal?.aborted) {
      reused?.destroy();
      return reject(abortError(signal));
    }
    const socket = reused ?? connect(socketPath);
    const parser = new ResponseParser(upgrade);
    let received = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeListener('data', onData).removeListener('end', onEnd).removeListener('close', onClose).removeListener('error', onError);
    };
    const fail = (err: Error): void => {
      if (settled) return;
      finish();
      socket.destroy();
      reject(reused !== undefined && !received ? new StaleConnection(err) : err);
    };
    const done = (): void => {
      if (settled) return;
      const res = parser.result();
      finish();
      if (res.statusCode === 101 && upgrade) {
        resolve({ statusCode: 101, headers: res.headers, socket, head: parser.rest() });
        return;
      }
      if (parser.reusable()) keepIdle(socketPath, socket);
      else socket.destroy();
      resolve({ statusCode: res.statusCode, headers: res.headers, body: res.body });
    };
    const onData = (chunk: Buffer): void => {
      received = true;
      try {
        if (parser.feed(chunk)) done();
      } catch (err) {
        fail(err as Error);
      }
    };
    const onEnd = (): void => {
      if (parser.endOfInput()) done();
      else fail(hangUp(parser.started() ? 'aborted' : 'socket hang up'));
    };
    const onClose = (): void => fail(hangUp('socket hang up'));
    const onError = (err: Error): void => fail(err);
    const onAbort = (): void => fail(abortError(signal));
    socket.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (req.timeoutMs !== undefined) timer = setTimeout(() => fail(new Error('timeout')), req.timeoutMs);
    socket.write(bytes);
  });
}

function encodeRequest(req: UnixRequest): Buffer {
  let head = `${req.method} ${req.path} HTTP/1.1\r\nHost: localhost\r\n`;
  const headers: Record<string, string> = { ...req.headers };
  const names = new Set(Object.keys(headers).map((n) => n.toLowerCase()));
  if (!names.has('connection')) headers.Connection = 'keep-alive';
  // As Node's http sends them: a length for a body, and for a bodiless POST/PUT.
  if (req.body !== undefined || req.method === 'POST' || req.method === 'PUT') headers['Content-Length'] = String(req.body?.length ?? 0);
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new TypeError(`invalid HTTP header ${name}`);
    head += `${name}: ${value}\r\n`;
  }
  head += '\r\n';
  const bytes = Buffer.from(head, 'latin1');
  return req.body === undefined || req.body.length === 0 ? bytes : Buffer.concat([bytes, req.body]);
}

function hangUp(message: string): Error {
  return Object.assign(new Error(message), { code: 'ECONNRESET' });
}

function abortError(signal: AbortSignal | undefined): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal?.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;

type Phase = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailer' | 'eof' | 'done';

/** Incremental parser of one HTTP/1.1 answer. */
export class ResponseParser {
  private buf: Buffer = Buffer.alloc(0);
  private phase: Phase = 'head';
  private remaining = 0;
  private readonly chunks: Buffer[] = [];
  private statusCode = 0;
  private headers: Record<string, string> = {};
  private keepAlive = true;

  /** `upgrade`: a 101 answer ends the parse, the bytes after it are rest(). */
  constructor(private readonly upgrade = false) {}

  /** Feed bytes; true once the answer is complete. */
  feed(chunk: Buffer): boolean {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      switch (this.phase) {
        case 'head': {
          const end = this.buf.indexOf(HEAD_END);
          if (end < 0) {
            if (this.buf.length > MAX_HEAD) throw new Error('engine answer: header too large');
            return false;
          }
          this.parseHead(this.buf.subarray(0, end).toString('latin1'));
          this.buf = this.buf.subarray(end + 4);
          break;
        }
        case 'length': {
          if (!this.takeBody()) return false;
          this.phase = 'done';
          break;
        }
        case 'chunk-size':
        case 'trailer': {
          const eol = this.buf.indexOf(CRLF);
          if (eol < 0) return false;
          const line = this.buf.subarray(0, eol).toString('latin1');
          this.buf = this.buf.subarray(eol + 2);
          if (this.phase === 'trailer') {
            if (line === '') this.phase = 'done';
            break;
          }
          const size = line.split(';')[0]?.trim() ?? '';
          if (!/^[0-9a-fA-F]+$/.test(size)) throw new Error('engine answer: bad chunk size');
          this.remaining = parseInt(size, 16);
          this.phase = this.remaining === 0 ? 'trailer' : 'chunk-data';
          break;
        }
        case 'chunk-data': {
          if (!this.takeBody()) return false;
          this.phase = 'chunk-end';
          break;
        }
        case 'chunk-end': {
          if (this.buf.length < 2) return false;
          if (this.buf[0] !== 0x0d || this.buf[1] !== 0x0a) throw new Error('engine answer: bad chunk end');
          this.buf = this.buf.subarray(2);
          this.phase = 'chunk-size';
          break;
        }
        case 'eof': {
          if (this.buf.length > 0) this.chunks.push(this.buf);
          this.buf = Buffer.alloc(0);
          return false;
        }
        case 'done':
          return true;
      }
    }
  }

  /** The head has been read (status and headers are known). */
  /** Up to `remaining` body bytes out of what is buffered; true once all of them came. */
  private takeBody(): boolean {
    const take = Math.min(this.remaining, this.buf.length);
    if (take > 0) this.chunks.push(this.buf.subarray(0, take));
    this.buf = this.buf.subarray(take);
    this.remaining -= take;
    return this.remaining === 0;
  }

  headed(): boolean {
    return this.phase !== 'head';
  }

  /** Status and headers, once headed(). */
  head(): { statusCode: number; headers: Record<string, string> } {
    return { statusCode: this.statusCode, headers: this.headers };
  }

  /** The body's bytes read so far and not yet taken (a streamed answer's, see unixStream). */
  drain(): Buffer[] {
    return this.chunks.splice(0);
  }

  /** The input ended; true when that completes the answer (a body read until EOF). */
  endOfInput(): boolean {
    if (this.phase === 'eof') this.phase = 'done';
    return this.phase === 'done';
  }

  /** Some of the answer has been read. */
  started(): boolean {
    return this.phase !== 'head' || this.buf.length > 0;
  }

  /** The connection can carry another request. */
  reusable(): boolean {
    return this.phase === 'done' && this.keepAlive && this.buf.length === 0;
  }

  result(): UnixResponse {
    return { statusCode: this.statusCode, headers: this.headers, body: this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks) };
  }

  /** Bytes past the answer (an upgraded connection's first bytes). */
  rest(): Buffer {
    return this.buf;
  }

  private parseHead(text: string): void {
    const lines = text.split('\r\n');
    const status = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] ?? '');
    if (status === null) throw new Error(`engine answer: not HTTP: ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`);
    const code = Number(status[2]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    // An interim answer (100 Continue): the real one follows.
    if (code >= 100 && code < 200 && code !== 101) return;
    this.statusCode = code;
    this.headers = headers;
    const connection = (headers.connection ?? '').toLowerCase();
    this.keepAlive = status[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
    if (code === 101) {
      this.keepAlive = false;
      this.phase = 'done';
      if (!this.upgrade) throw new Error('engine answer: unexpected 101');
      return;
    }
    if (code === 204 || code === 304) {
      this.phase = 'done';
      return;
    }
    if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
      this.phase = 'chunk-size';
      return;
    }
    const length = headers['content-length'];
    if (length !== undefined) {
      if (!/^\d+$/.test(length)) throw new Error('engine answer: bad Content-Length');
      this.remaining = Number(length);
      this.phase = this.remaining === 0 ? 'done' : 'length';
      return;
    }
    this.keepAlive = false;
    this.phase = 'eof';
  }
}
