import type http from 'node:http';
import { BerthError, invalid } from '../errors.js';
import { httpStatusOf } from '../wire-errors.js';

// Routing only: match method + path (with an optional /vX.Y prefix), hand the handler
// its params, query and body, and turn a thrown error into Docker's {"message": ...}
// answer with the status from the one code → status table. No engine logic here.

export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** The request body parsed as JSON (undefined when empty); a bad body is a 400. */
  json<T = unknown>(): Promise<T | undefined>;
}

/**
 * A handler either returns a value (sent as JSON with status 200, or 204 when undefined)
 * or takes over `res` itself (streams, hijacks) and returns the symbol HANDLED.
 */
export type Handler = (ctx: RouteContext) => Promise<unknown> | unknown;
export const HANDLED = Symbol('handled');

/** Return from a handler to choose the status code of a JSON answer. */
export class Reply {
  constructor(readonly status: number, readonly body?: unknown) {}
}

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

const VERSION_PREFIX = /^\/v\d+\.\d+(?=\/)/;

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    // `:name` matches one segment; `:name*` matches the rest (image names contain '/').
    const source = pattern.replace(/:(\w+)(\*)?/g, (_m, name: string, rest?: string) => {
      names.push(name);
      return rest ? '(.+)' : '([^/]+)';
    });
    this.routes.push({ method, regex: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  get(pattern: string, handler: Handler): this { return this.add('GET', pattern, handler); }
  post(pattern: string, handler: Handler): this { return this.add('POST', pattern, handler); }
  put(pattern: string, handler: Handler): this { return this.add('PUT', pattern, handler); }
  delete(pattern: string, handler: Handler): this { return this.add('DELETE', pattern, handler); }
  head(pattern: string, handler: Handler): this { return this.add('HEAD', pattern, handler); }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://berthd');
    const path = url.pathname.replace(VERSION_PREFIX, '');
    const method = req.method ?? 'GET';
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      const ctx: RouteContext = { params, query: url.searchParams, req, res, json: () => readJson(req) };
      try {
        const result = await route.handler(ctx);
        if (result === HANDLED) return;
        if (result instanceof Reply) sendJson(res, result.status, result.body);
        else if (result === undefined) sendEmpty(res, 204);
        else sendJson(res, 200, result);
      } catch (err) {
        sendError(res, err);
      }
      return;
    }
    sendJson(res, pathMatched ? 405 : 404, { message: `page not found: ${method} ${url.pathname}` });
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: http.ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

export function sendError(res: http.ServerResponse, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  if (!(err instanceof BerthError) && process.env.BERTH_DEBUG === '1') console.error(err);
  sendJson(res, httpStatusOf(err), { message });
}

async function readJson<T>(req: http.IncomingMessage): Promise<T | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw invalid(`invalid JSON body: ${(err as Error).message}`, err);
  }
}
