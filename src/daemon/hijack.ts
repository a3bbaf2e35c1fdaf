import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { RouteContext } from './router.js';

// Hijacked connections (attach, exec start): Docker clients send `Connection: Upgrade,
// Upgrade: tcp` and then speak raw bytes both ways. The server's 'upgrade' event hands
// us the socket; the request body (exec start's JSON) is read off it here, and a
// stand-in request carrying that body goes through the normal router.

interface Upgraded {
  socket: Duplex;
  /** bytes after the body: the start of the client's stdin */
  rest: Buffer;
}

const upgraded = new WeakMap<http.IncomingMessage, Upgraded>();

/** Build the routed request for an upgrade: same method/url/headers, body pre-read. */
export async function upgradeRequest(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<{ req: http.IncomingMessage; res: http.ServerResponse }> {
  const length = Number(req.headers['content-length'] ?? 0) || 0;
  let buf = head;
  if (buf.length < length) {
    buf = await new Promise<Buffer>((resolve, reject) => {
      const chunks = [buf];
      let size = buf.length;
      const onData = (d: Buffer): void => {
        chunks.push(d);
        size += d.length;
        if (size >= length) {
          socket.off('data', onData);
          socket.off('error', reject);
          socket.pause();
          resolve(Buffer.concat(chunks));
        }
      };
      socket.on('data', onData);
      socket.on('error', reject);
    });
  }
  const stand = new http.IncomingMessage(new net.Socket());
  stand.method = req.method;
  stand.url = req.url;
  stand.headers = req.headers;
  stand.httpVersion = req.httpVersion;
  stand.push(buf.subarray(0, length));
  stand.push(null);
  upgraded.set(stand, { socket, rest: buf.subarray(length) });
  const res = new http.ServerResponse(stand);
  res.assignSocket(socket as net.Socket);
  res.on('finish', () => {
    if (!hijacked.has(stand)) socket.end();
  });
  return { req: stand, res };
}

const hijacked = new WeakSet<http.IncomingMessage>();

export interface Hijacked {
  socket: Duplex;
  /** stdin bytes that arrived with the request */
  rest: Buffer;
  /** false when the client did not ask to upgrade (a plain streamed 200) */
  upgraded: boolean;
}

/** Answer 101 (or 200 for a plain request) and hand over the raw connection. */
export function hijack(ctx: RouteContext, contentType: string): Hijacked {
  const up = upgraded.get(ctx.req);
  if (up) {
    hijacked.add(ctx.req);
    ctx.res.detachSocket(up.socket as net.Socket);
    up.socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
    // Left paused: the client's stdin waits in the socket until a consumer pipes it.
    return { socket: up.socket, rest: up.rest, upgraded: true };
  }
  // Without an upgrade the output goes out as the body of a 200 that ends with the stream.
  const socket = ctx.req.socket;
  ctx.res.detachSocket(socket);
  socket.write(`HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nConnection: close\r\n\r\n`);
  return { socket, rest: Buffer.alloc(0), upgraded: false };
}
