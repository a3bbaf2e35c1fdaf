import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { connectEngineWith } from '../../../src/client/connect.js';
import type { EngineClient } from '../../../src/client/engine-client.js';

// connectEngineWith sends the command's first request alongside the ping, at berthd's version:
// what it keeps and what it makes again, against fake engines of several versions.

interface Engine {
  host: string;
  requests: string[];
  close(): Promise<void>;
}

const dirs: string[] = [];
const engines: Engine[] = [];

async function fakeEngine(apiVersion: string, answer: (url: string) => [number, unknown]): Promise<Engine> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-connect-'));
  dirs.push(dir);
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const [status, body] = req.url === '/_ping' ? [200, 'OK'] : answer(req.url ?? '');
    res.writeHead(status, { 'Api-Version': apiVersion, 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  const socket = path.join(dir, 'e.sock');
  await new Promise<void>((r) => server.listen(socket, r));
  const engine = { host: `unix://${socket}`, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
  engines.push(engine);
  return engine;
}

const list = (c: EngineClient) => c.request<{ Id: string }[]>('GET', '/containers/json');

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the first request alongside the ping', () => {
  test('berthd (1.41): made once, its answer kept', async () => {
    const e = await fakeEngine('1.41', () => [200, [{ Id: 'a' }]]);
    const { client, result } = await connectEngineWith({ host: e.host }, list);
    expect(result).toEqual([{ Id: 'a' }]);
    expect(client.version).toBe('1.41');
    expect(e.requests.sort()).toEqual(['GET /_ping', 'GET /v1.41/containers/json']);
  });

  test('a newer engine that accepts 1.41: the answer stands, later requests speak the negotiated version', async () => {
    const e = await fakeEngine('1.43', () => [200, [{ Id: 'b' }]]);
    const { client, result } = await connectEngineWith({ host: e.host }, list);
    expect(result).toEqual([{ Id: 'b' }]);
    expect(client.version).toBe('1.43');
    expect(e.requests).toHaveLength(2);
  });

  test('an engine that refuses 1.41: made again at its version', async () => {
    const e = await fakeEngine('1.51', (url) => (url.startsWith('/v1.41/') ? [400, { message: 'client version 1.41 is too old. Minimum supported API version is 1.44' }] : [200, [{ Id: 'c' }]]));
    const { client, result } = await connectEngineWith({ host: e.host }, list);
    expect(result).toEqual([{ Id: 'c' }]);
    expect(client.version).toBe('1.44');
    expect(e.requests.filter((r) => r !== 'GET /_ping')).toEqual(['GET /v1.41/containers/json', 'GET /v1.44/containers/json']);
  });

  test('a failure on an engine speaking 1.41 is the answer: not made twice', async () => {
    const e = await fakeEngine('1.41', () => [409, { message: 'the name is already in use' }]);
    await expect(connectEngineWith({ host: e.host }, list)).rejects.toThrow('the name is already in use');
    expect(e.requests.filter((r) => r !== 'GET /_ping')).toHaveLength(1);
  });

  test('an engine too old: the usual error, nothing made twice', async () => {
    const e = await fakeEngine('1.40', () => [200, []]);
    await expect(connectEngineWith({ host: e.host }, list)).rejects.toThrow(/speaks Docker Engine API 1\.40; berth needs 1\.41/);
  });
});
