import type http from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { BerthError, unavailable } from '../errors.js';
import { codeOfStatus } from '../wire-errors.js';
import { unixRequest, unixStream, unixUpgrade } from './unix-http.js';

// The Docker Engine API over a UNIX socket. Works against berthd and against a real
// dockerd: every path is sent with the negotiated version prefix.

export const API_VERSION = '1.41';

/**
 * Spread into every http.request to the socket. Node's agent otherwise derives a TLS
 * servername from the host ('localhost') and first asks net.isIP() whether it is an
 * address: its IPv6 regex costs ~4 ms of CPU on first use and ~1 ms per request after,
 * for a name no UNIX socket uses. (Not a typed request option, hence the spread.)
 */
export const UNIX_SOCKET_REQUEST = { servername: '' } as const;

export interface RequestOptions {
  query?: Record<string, string | number | boolean | string[] | undefined>;
  body?: unknown;
  /** Raw body (tar archives, image tarballs). */
  rawBody?: Readable | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class EngineClient {
  constructor(readonly socketPath: string, readonly version: string = API_VERSION) {}

  /** A JSON request; resolves to the parsed body (undefined for 204/empty). */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    let text: Buffer;
    let type: string;
    const { headers, body } = requestBody(opts);
    if (body !== undefined && !Buffer.isBuffer(body)) {
      // A streamed body (an archive, an image tarball) goes through node:http.
      const res = await this.send(method, path, opts);
      text = await readAll(res);
      type = res.headers['content-type'] ?? '';
    } else {
      let res;
      try {
        res = await unixRequest(this.socketPath, { method, path: this.url(path, opts.query), headers, body, signal: opts.signal });
      } catch (err) {
        throw connectionError(this.socketPath, err as Error);
      }
      if (res.statusCode >= 400) throw toError(res.statusCode, res.body);
      text = res.body;
      type = res.headers['content-type'] ?? '';
    }
    if (text.length === 0) return undefined as T;
    if (type.includes('json')) return JSON.parse(text.toString('utf8')) as T;
    return text.toString('utf8') as T;
  }

  /** A request whose response body is consumed as a stream (logs, events, save, attach). */
  async stream(method: string, path: string, opts: RequestOptions = {}): Promise<http.IncomingMessage> {
    return this.send(method, path, opts);
  }

  /**
   * A request without a streamed body whose answer is read as it arrives, over node:net
   * (not node:http, whose load is ~2 ms): the events stream of `up --wait`, `events`.
   */
  async streamChunks(method: string, path: string, opts: RequestOptions = {}): Promise<AsyncIterable<Buffer>> {
    const { headers, body } = requestBody(opts);
    if (body !== undefined && !Buffer.isBuffer(body)) throw new TypeError('streamChunks: a streamed request body goes through stream()');
    let res;
    try {
      res = await unixStream(this.socketPath, { method, path: this.url(path, opts.query), headers, body, signal: opts.signal });
    } catch (err) {
      throw connectionError(this.socketPath, err as Error);
    }
    if (!('chunks' in res)) throw toError(res.statusCode, res.body);
    return res.chunks;
  }

  /** Upgrade the connection (attach, exec start with a stdin) and hand back the raw socket. */
  async hijack(method: string, path: string, opts: RequestOptions = {}): Promise<{ socket: Duplex; head: Buffer }> {
    let res;
    try {
      res = await unixUpgrade(this.socketPath, {
        method,
        path: this.url(path, opts.query),
        headers: { Connection: 'Upgrade', Upgrade: 'tcp', 'Content-Type': 'application/json', ...opts.headers },
        body: opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body)),
        signal: opts.signal,
      });
    } catch (err) {
      throw connectionError(this.socketPath, err as Error);
    }
    // Anything but a 101 is an error, as with docker (a 200 would be an engine without upgrades).
    if (!('socket' in res)) throw toError(res.statusCode, res.body);
    return { socket: res.socket, head: res.head };
  }

  async ping(): Promise<boolean> {
    try {
      await this.request('GET', '/_ping');
      return true;
    } catch {
      return false;
    }
  }

  url(path: string, query?: RequestOptions['query']): string {
    const qs = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) qs.append(key, v);
      else qs.append(key, String(value));
    }
    const q = qs.toString();
    return `/v${this.version}${path}${q ? `?${q}` : ''}`;
  }

  /** Through node:http, loaded on first use: for answers read as streams and streamed bodies. */
  private async send(method: string, path: string, opts: RequestOptions): Promise<http.IncomingMessage> {
    const { default: http } = await import('node:http');
    return new Promise((resolve, reject) => {
      const { headers, body: payload } = requestBody(opts);
      const req = http.request({ ...UNIX_SOCKET_REQUEST, socketPath: this.socketPath, method, path: this.url(path, opts.query), headers, signal: opts.signal });
      req.on('response', (res) => {
        const status = res.statusCode ?? 500;
        if (status >= 400) {
          void readAll(res).then((body) => reject(toError(status, body)), reject);
          return;
        }
        resolve(res);
      });
      req.on('error', (err) => reject(connectionError(this.socketPath, err)));
      if (payload === undefined || Buffer.isBuffer(payload)) req.end(payload);
      else payload.pipe(req);
    });
  }
}

/** The headers and body of a request with a Buffer or JSON body (the caller's rawBody stream as is). */
function requestBody(opts: RequestOptions): { headers: Record<string, string>; body: Buffer | Readable | undefined } {
  const headers: Record<string, string> = { ...opts.headers };
  let body: Buffer | Readable | undefined;
  if (opts.rawBody !== undefined) {
    body = opts.rawBody;
    headers['Content-Type'] = opts.contentType ?? 'application/x-tar';
  } else if (opts.body !== undefined) {
    body = Buffer.from(JSON.stringify(opts.body));
    headers['Content-Type'] = 'application/json';
  }
  return { headers, body };
}

function connectionError(socketPath: string, err: Error): BerthError {
  if (err.name === 'AbortError') return new BerthError('canceled', 'request canceled', { cause: err });
  return unavailable(`cannot reach the engine at unix://${socketPath}: ${err.message}`, err);
}

function toError(status: number, body: Buffer): BerthError {
  let message = body.toString('utf8').trim();
  try {
    const parsed = JSON.parse(message) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // plain-text error body: keep as is
  }
  return new BerthError(codeOfStatus(status), message || `engine answered HTTP ${status}`, { detail: { status } });
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
