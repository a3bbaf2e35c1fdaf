import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../../src/daemon/router.js';
import { registerNetworkRoutes } from '../../../src/daemon/routes/networks.js';
import { notFound } from '../../../src/errors.js';
import { BridgeNetworkService } from '../../../src/engine/networks/network-service.js';
import { useLeakCheck } from '../../support/leaks.js';
import { cleanupSteps, testDirs } from './helpers.js';

useLeakCheck();

const dirs = testDirs();
const svc = new BridgeNetworkService({ root: dirs.root, runDir: dirs.runDir, dnsUpstreams: [] });
const socket = path.join(path.dirname(dirs.root), 'api.sock');
const CID = '7'.repeat(64);
const router = new Router();
// A stand-in for the container engine: one running container with a sandbox.
const app = (ref: string): string => {
  if (ref === 'app' || ref === CID) return CID;
  throw notFound(`No such container: ${ref}`);
};
registerNetworkRoutes(router, svc, {
  connect: async (ref, network, req) => {
    await svc.connect(app(ref), { networkId: network, aliases: req.aliases, ...(req.ipv4Address ? { ipv4Address: req.ipv4Address } : {}) });
  },
  disconnect: (ref, network) => svc.disconnect(app(ref), network),
});
const server = http.createServer((req, res) => void router.handle(req, res));

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(socket, () => r()));
});

afterAll(async () => {
  await cleanupSteps([
    () => svc.removeSandbox(CID),
    () => svc.remove('api-one').catch(() => undefined), // removed by the test itself
    () => svc.remove('api-two'),
    () => svc.close(),
    () => new Promise<void>((r) => server.close(() => r())),
    () => dirs.cleanup(),
  ]);
});

function call(method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const req = http.request({ socketPath: socket, method, path: url, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) } }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: data === '' ? undefined : JSON.parse(data) }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

describe('network routes (Engine API 1.41)', () => {
  it('create, list with filters, inspect, duplicate, bad body', async () => {
    const created = await call('POST', '/v1.41/networks/create', { Name: 'api-one', Labels: { team: 'a' }, IPAM: { Config: [{ Subnet: '10.77.0.0/24' }] } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ Warning: '' });
    const id = (created.json as { Id: string }).Id;
    expect((await call('POST', '/networks/create', { Name: 'api-one' })).status).toBe(409);
    expect((await call('POST', '/networks/create', { Name: 42 })).status).toBe(400);
    const list = await call('GET', `/networks?filters=${encodeURIComponent(JSON.stringify({ label: { 'team=a': true } }))}`);
    expect((list.json as { Name: string }[]).map((n) => n.Name)).toEqual(['api-one']);
    const inspect = await call('GET', `/networks/${id.slice(0, 12)}`);
    expect(inspect.json).toMatchObject({ Name: 'api-one', Id: id, Driver: 'bridge', Scope: 'local', IPAM: { Config: [{ Subnet: '10.77.0.0/24', Gateway: '10.77.0.1' }] } });
    expect((await call('GET', '/networks/nosuch')).status).toBe(404);
    expect((await call('GET', '/networks/bridge')).json).toMatchObject({ ConfigFrom: { Network: '' }, ConfigOnly: false });
  });

  it('connect and disconnect a container; delete refuses while attached', async () => {
    await svc.create({ Name: 'api-two' });
    await svc.createSandbox(CID, 'app', [{ networkId: 'api-two', aliases: [] }], []);
    const connected = await call('POST', '/networks/api-one/connect', { Container: 'app', EndpointConfig: { Aliases: ['cache'], IPAMConfig: { IPv4Address: '10.77.0.50' } } });
    expect(connected.status).toBe(200);
    const inspect = (await call('GET', '/networks/api-one')).json as { Containers: Record<string, { IPv4Address: string; Name: string }> };
    expect(inspect.Containers[CID]).toMatchObject({ Name: 'app', IPv4Address: '10.77.0.50/24' });
    expect((await call('DELETE', '/networks/api-one')).status).toBe(403);
    expect((await call('POST', '/networks/api-one/connect', { Container: 'ghost' })).status).toBe(404);
    expect((await call('POST', '/networks/api-one/disconnect', { Container: 'app' })).status).toBe(200);
    expect((await call('DELETE', '/networks/api-one')).status).toBe(204);
    expect((await call('DELETE', '/networks/bridge')).status).toBe(403);
  });

  it('prune removes unused networks only', async () => {
    const v6 = await call('POST', '/networks/create', { Name: 'api-three', EnableIPv6: true });
    expect((v6.json as { Warning: string }).Warning).toMatch(/IPv6 is not supported/);
    const pruned = await call('POST', '/networks/prune');
    expect(pruned.json).toEqual({ NetworksDeleted: ['api-three'] });
    expect((await call('GET', '/networks/api-two')).status).toBe(200);
  });
});
