import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EngineClient } from '../../../src/client/engine-client.js';
import { ResponseParser, unixRequest, unixStream, unixUpgrade } from '../../../src/client/unix-http.js';

function parse(...parts: string[]): ReturnType<ResponseParser['result']> & { done: boolean; rest: string } {
  const p = new ResponseParser(true);
  let done = false;
  for (const part of parts) done = p.feed(Buffer.from(part, 'latin1'));
  return { ...p.result(), done, rest: p.rest().toString('latin1') };
}

describe('ResponseParser', () => {
  test('a Content-Length body, split anywhere', () => {
    const text = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"a":"bcd"}';
    for (let cut = 1; cut < text.length; cut++) {
      const r = parse(text.slice(0, cut), text.slice(cut));
      expect(r.done).toBe(true);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.body.toString()).toBe('{"a":"bcd"}');
    }
  });

  test('a chunked body with extensions and trailers, split anywhere', () => {
    const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1d;x=y\r\n{"StatusCode":0,"Error":null}\r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      const r = parse(text.slice(0, cut), text.slice(cut));
      expect(r.done).toBe(true);
      expect(r.body.toString()).toBe('{"StatusCode":0,"Error":null}abc');
    }
    const p = new ResponseParser();
    expect(p.feed(Buffer.from(text.slice(0, -2), 'latin1'))).toBe(false);
  });

  test('no body for 204; repeated headers joined; names in lower case', () => {
    const r = parse('HTTP/1.1 204 No Content\r\nX-A: 1\r\nx-a: 2\r\n\r\n');
    expect(r).toMatchObject({ done: true, statusCode: 204, headers: { 'x-a': '1, 2' } });
  });

  test('a 101 ends the answer; what follows is the upgraded stream', () => {
    const r = parse('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n\u0001\u0000\u0000\u0000');
    expect(r).toMatchObject({ done: true, statusCode: 101, rest: '\u0001\u0000\u0000\u0000' });
  });

  test('without a length the body runs to the end of input, and the connection is not kept', () => {
    const p = new ResponseParser();
    expect(p.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\nab'))).toBe(false);
    expect(p.feed(Buffer.from('cd'))).toBe(false);
    expect(p.endOfInput()).toBe(true);
    expect(p.result().body.toString()).toBe('abcd');
    expect(p.reusable()).toBe(false);
  });

  test('an interim 100 is skipped; Connection: close is not reusable', () => {
    const p = new ResponseParser();
    expect(p.feed(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'))).toBe(true);
    expect(p.result().body.toString()).toBe('ok');
    expect(p.reusable()).toBe(false);
  });

  test('garbage is an error, not a hang', () => {
    expect(() => parse('SSH-2.0-OpenSSH\r\n\r\n')).toThrow(/not HTTP/);
    expect(() => parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toThrow(/chunk size/);
  });
});

describe('unixRequest / unixUpgrade against servers', () => {
  let dir = '';
  let server: http.Server;
  let raw: net.Server;
  let connections = 0;
  const rawSockets = new Set<net.Socket>();
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'berth-unix-http-'));
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        if (req.url === '/chunked') {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.write('{"StatusCode":');
          setTimeout(() => res.end('7}'), 20);
          return;
        }
        if (req.url?.endsWith('/fail') === true) {
          res.writeHead(404, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ message: 'No such container: x' }));
          return;
        }
        if (req.url === '/stream') {
          // Two lines now, one later, then the end (chunked, as berthd's /events).
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.write('{"a":1}\n{"a":2}\n');
          setTimeout(() => res.end('{"a":3}\n'), 30);
          return;
        }
        if (req.url === '/stream-open') {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.write('{"a":1}\n');
          return;
        }
        if (req.url === '/never') return; // a long poll, canceled by the client
        res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': '1.41' });
        res.end(JSON.stringify({ method: req.method, url: req.url, body, length: req.headers['content-length'] ?? null }));
      });
    });
    server.on('connection', () => connections++);
    server.on('upgrade', (req, socket, head) => {
      if (req.url?.includes('/refuse')) {
        const body = '{"message":"is not running"}';
        socket.end(`HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        return;
      }
      // The answer and the first frame in one write: the client must hand both over.
      socket.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nfirst');
      socket.on('data', (d: Buffer) => socket.end(`echo:${d.toString()}`));
      void head;
    });
    raw = net.createServer((socket) => {
      rawSockets.add(socket);
      // Answers a connection's first request, and closes it without a word on the next.
      let requests = 0;
      socket.on('data', () => {
        if (requests++ === 0) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        else socket.destroy();
      });
    });
    await new Promise<void>((r) => server.listen(path.join(dir, 'h.sock'), r));
    await new Promise<void>((r) => raw.listen(path.join(dir, 'raw.sock'), r));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    for (const s of rawSockets) s.destroy();
    await new Promise((r) => raw.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  test('a JSON request and answer; the connection is kept for the next request', async () => {
    const sock = path.join(dir, 'h.sock');
    const before = connections;
    const a = await unixRequest(sock, { method: 'POST', path: '/x?y=1', headers: { 'Content-Type': 'application/json' }, body: Buffer.from('{"Image":"bb"}') });
    expect(JSON.parse(a.body.toString())).toEqual({ method: 'POST', url: '/x?y=1', body: '{"Image":"bb"}', length: '14' });
    const b = await unixRequest(sock, { method: 'POST', path: '/start' });
    expect(JSON.parse(b.body.toString())).toMatchObject({ url: '/start', length: '0' });
    expect(connections - before).toBe(1);
  });

  test('a chunked answer written in parts (a long poll)', async () => {
    const res = await unixRequest(path.join(dir, 'h.sock'), { method: 'POST', path: '/chunked' });
    expect(res.body.toString()).toBe('{"StatusCode":7}');
  });

  test('EngineClient: errors keep their messages and codes', async () => {
    const client = new EngineClient(path.join(dir, 'h.sock'));
    await expect(client.request('GET', '/fail')).rejects.toMatchObject({ code: 'not_found', message: 'No such container: x' });
    const absent = new EngineClient(path.join(dir, 'absent.sock'));
    await expect(absent.request('GET', '/_ping')).rejects.toThrow(`cannot reach the engine at unix://${path.join(dir, 'absent.sock')}: connect ENOENT ${path.join(dir, 'absent.sock')}`);
  });

  test('an error status is the engine\'s message', async () => {
    const res = await unixRequest(path.join(dir, 'h.sock'), { method: 'GET', path: '/fail' });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body.toString())).toEqual({ message: 'No such container: x' });
  });

  test('an abort ends a long poll with an AbortError', async () => {
    const abort = new AbortController();
    const pending = unixRequest(path.join(dir, 'h.sock'), { method: 'POST', path: '/never', signal: abort.signal });
    setTimeout(() => abort.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const client = new EngineClient(path.join(dir, 'h.sock'));
    const abort2 = new AbortController();
    abort2.abort();
    await expect(client.request('POST', '/never', { signal: abort2.signal })).rejects.toMatchObject({ code: 'canceled' });
  });

  test('an upgrade hands over the socket (a kept one) with the bytes that came with the 101; the engine\'s end closes it', async () => {
    const sock = path.join(dir, 'h.sock');
    await unixRequest(sock, { method: 'GET', path: '/_ping' });
    const before = connections;
    const up = await unixUpgrade(sock, { method: 'POST', path: '/attach', headers: { Connection: 'Upgrade', Upgrade: 'tcp' } });
    if (!('socket' in up)) throw new Error(`no upgrade: ${up.statusCode}`);
    expect(connections).toBe(before);
    const chunks: Buffer[] = [up.head];
    up.socket.on('data', (c: Buffer) => chunks.push(c));
    const closed = new Promise((r) => up.socket.on('close', r));
    up.socket.write('hi');
    await new Promise((r) => up.socket.on('end', r));
    expect(Buffer.concat(chunks).toString()).toBe('firstecho:hi');
    // net's own end handler ends our side too: nothing half-open keeps the process alive.
    await closed;
  });

  test('a refused upgrade is the engine\'s error', async () => {
    const client = new EngineClient(path.join(dir, 'h.sock'));
    await expect(client.hijack('POST', '/refuse')).rejects.toMatchObject({ code: 'conflict', message: 'is not running' });
  });

  test('a streamed answer comes as it arrives, to its end; an error answer is read whole', async () => {
    const sock = path.join(dir, 'h.sock');
    const res = await unixStream(sock, { method: 'GET', path: '/stream' });
    if (!('chunks' in res)) throw new Error(`not streamed: ${res.statusCode}`);
    expect(res.statusCode).toBe(200);
    const seen: string[] = [];
    for await (const c of res.chunks) seen.push(c.toString());
    expect(seen.join('')).toBe('{"a":1}\n{"a":2}\n{"a":3}\n');
    expect(seen.length).toBeGreaterThan(1);
    const failed = await unixStream(sock, { method: 'GET', path: '/x/fail' });
    expect('chunks' in failed).toBe(false);
    expect(failed.statusCode).toBe(404);
    await expect(new EngineClient(sock).streamChunks('GET', '/fail')).rejects.toMatchObject({ code: 'not_found', message: 'No such container: x' });
  });

  test('an error answer whose body runs to the end of the connection is read whole, not taken for a hang-up', async () => {
    const sock = path.join(dir, 'eof.sock');
    const raw = net.createServer((c) => {
      c.once('data', () => c.end('HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"message":"boom"}'));
    });
    await new Promise<void>((r) => raw.listen(sock, r));
    try {
      const failed = await unixStream(sock, { method: 'GET', path: '/events' });
      expect('chunks' in failed).toBe(false);
      expect(failed.statusCode).toBe(500);
      if (!('chunks' in failed)) expect(failed.body.toString()).toBe('{"message":"boom"}');
    } finally {
      await new Promise((r) => raw.close(r));
    }
  });

  test('aborting a streamed answer ends its iteration with an AbortError; breaking out closes it', async () => {
    const sock = path.join(dir, 'h.sock');
    const ac = new AbortController();
    const res = await unixStream(sock, { method: 'GET', path: '/stream-open', signal: ac.signal });
    if (!('chunks' in res)) throw new Error(`not streamed: ${res.statusCode}`);
    const it = res.chunks[Symbol.asyncIterator]();
    expect((await it.next()).value?.toString()).toBe('{"a":1}\n');
    const next = it.next();
    ac.abort();
    await expect(next).rejects.toMatchObject({ name: 'AbortError' });
    const again = await unixStream(sock, { method: 'GET', path: '/stream-open' });
    if (!('chunks' in again)) throw new Error('not streamed');
    for await (const c of again.chunks) {
      expect(c.toString()).toBe('{"a":1}\n');
      break;
    }
  });

  test('a kept connection the engine dropped is retried once on a new one', async () => {
    const sock = path.join(dir, 'raw.sock');
    expect((await unixRequest(sock, { method: 'GET', path: '/a' })).body.toString()).toBe('ok');
    expect((await unixRequest(sock, { method: 'GET', path: '/b', timeoutMs: 2000 })).body.toString()).toBe('ok');
  });
});
