import dgram from 'node:dgram';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aRecord, aRecordAddress, buildQuery, buildResponse, parseQuery, parseResponse, TYPE_A } from '../../../src/engine/networks/dns-wire.js';
import { resolvConf } from '../../../src/engine/networks/etc-files.js';
import { BridgeNetworkService } from '../../../src/engine/networks/network-service.js';
import type { Sandbox } from '../../../src/engine/types.js';
import { useLeakCheck } from '../../support/leaks.js';
import { busybox, cleanupSteps, linkExists, lookup, runIn, testDirs } from './helpers.js';

useLeakCheck();

const dirs = testDirs();
// A stub upstream resolver on loopback: the only place forwarded queries may go.
const upstream = dgram.createSocket('udp4');
const upstreamTcp = net.createServer();
let svc: BridgeNetworkService;
const ids = { a: 'a'.repeat(64), b: 'b'.repeat(64), c: 'c'.repeat(64), d: 'd'.repeat(64) };
const sandboxes: Record<string, Sandbox> = {};

beforeAll(async () => {
  upstream.on('message', (msg, rinfo) => {
    const q = parseQuery(msg);
    const name = q.questions[0]?.name ?? '';
    const answers = name === 'upstream.test' && q.questions[0]?.type === 1 ? [aRecord(name, '203.0.113.7')] : [];
    upstream.send(buildResponse(q, answers.length > 0 ? 0 : 3, answers), rinfo.port, rinfo.address);
  });
  // The same stub over TCP (answering another address, to tell the paths apart).
  upstreamTcp.on('connection', (sock) => {
    sock.once('data', (b: Buffer) => {
      const q = parseQuery(b.subarray(2));
      const reply = buildResponse(q, 0, [aRecord(q.questions[0]?.name ?? '', '203.0.113.8')]);
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(reply.length, 0);
      sock.end(Buffer.concat([prefix, reply]));
    });
  });
  await new Promise<void>((r) => upstreamTcp.listen(0, '127.0.0.1', () => r()));
  const port = (upstreamTcp.address() as net.AddressInfo).port;
  await new Promise<void>((r) => upstream.bind(port, '127.0.0.1', () => r()));
  svc = new BridgeNetworkService({ root: dirs.root, runDir: dirs.runDir, dnsUpstreams: [{ address: '127.0.0.1', port }] });
  await svc.create({ Name: 'front' });
  await svc.create({ Name: 'back' });
  sandboxes.a = await svc.createSandbox(ids.a, '/proj-web-1', [{ networkId: 'front', aliases: ['web'] }], []);
  sandboxes.b = await svc.createSandbox(ids.b, 'proj-web-2', [{ networkId: 'front', aliases: ['web'] }], []);
  sandboxes.c = await svc.createSandbox(ids.c, 'proj-db-1', [{ networkId: 'back', aliases: ['db'] }], []);
});

afterAll(async () => {
  await cleanupSteps([
    ...Object.values(ids).map((id) => () => svc.removeSandbox(id)),
    () => svc.remove('front'),
    () => svc.remove('back'),
    () => svc.close(),
    () => upstream.close(),
    () => new Promise<void>((r) => upstreamTcp.close(() => r())),
    () => dirs.cleanup(),
  ]);
});

const ip = (s: Sandbox | undefined, net: string) => s?.endpoints[net]?.IPAddress ?? '';

function tcpQuery(server: string, name: string): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const sock = net.connect({ host: server, port: 53 });
    const query = buildQuery(42, name, TYPE_A);
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(query.length, 0);
    let data = Buffer.alloc(0);
    sock.on('connect', () => sock.write(Buffer.concat([prefix, query])));
    sock.on('data', (b: Buffer) => {
      data = Buffer.concat([data, b]);
      if (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
        sock.end();
        resolve(data.subarray(2));
      }
    });
    sock.on('error', reject);
  });
}

describe('sandboxes on a bridge network', () => {
  it('get a namespace with lo and eth0, a Docker-style MAC and a default route', async () => {
    const a = sandboxes.a;
    expect(a?.netnsPath).toBe(path.join(dirs.runDir, 'netns', ids.a));
    const settings = a?.endpoints.front;
    expect(settings?.MacAddress).toBe(`02:42:${(settings?.IPAddress ?? '').split('.').map((o) => Number(o).toString(16).padStart(2, '0')).join(':')}`);
    expect(settings?.DNSNames).toEqual(['proj-web-1', 'web', ids.a.slice(0, 12)]);
    const links = await runIn(a?.netnsPath ?? '', ['ip', '-o', 'addr', 'show']);
    expect(links.stdout).toContain('lo ');
    expect(links.stdout).toContain(`eth0    inet ${settings?.IPAddress}/${settings?.IPPrefixLen}`);
    const routes = await runIn(a?.netnsPath ?? '', ['ip', 'route']);
    expect(routes.stdout).toContain(`default via ${settings?.Gateway} dev eth0`);
    expect(a?.dnsServers).toEqual([settings?.Gateway]);
    const inspect = await svc.inspect('front');
    expect(Object.keys(inspect.Containers).sort()).toEqual([ids.a, ids.b]);
  });

  it('reach each other by IP and by name through the network DNS', async () => {
    const a = sandboxes.a?.netnsPath ?? '';
    const gw = sandboxes.a?.endpoints.front?.Gateway ?? '';
    expect((await busybox(a, 'ping', '-c', '1', '-W', '2', ip(sandboxes.b, 'front'))).code).toBe(0);
    expect(await lookup(a, 'proj-web-2', gw)).toEqual([ip(sandboxes.b, 'front')]);
    // Through the container's own resolv.conf (as the engine writes it), by name.
    const etc = path.join(dirs.root, 'etc-a');
    mkdirSync(etc, { recursive: true });
    writeFileSync(path.join(etc, 'resolv.conf'), resolvConf({ nameservers: sandboxes.a?.dnsServers ?? [] }));
    const r = await runIn(a, ['unshare', '--mount', 'sh', '-c', `mount --bind ${etc}/resolv.conf /etc/resolv.conf && /bin/busybox ping -c 1 -W 2 proj-web-2`]);
    expect(r.stdout).toContain(`(${ip(sandboxes.b, 'front')})`);
    expect(r.code).toBe(0);
  });

  it('rotate the answer over replicas sharing an alias', async () => {
    const a = sandboxes.a?.netnsPath ?? '';
    const gw = sandboxes.a?.endpoints.front?.Gateway ?? '';
    const first = await lookup(a, 'web', gw);
    const second = await lookup(a, 'web', gw);
    expect([...first].sort()).toEqual([ip(sandboxes.a, 'front'), ip(sandboxes.b, 'front')].sort());
    expect(second).toHaveLength(2);
    expect(second[0]).not.toBe(first[0]);
  });

  it('answer NXDOMAIN for unknown names and names of other networks, and forward the rest upstream', async () => {
    const a = sandboxes.a?.netnsPath ?? '';
    const gw = sandboxes.a?.endpoints.front?.Gateway ?? '';
    expect(await lookup(a, 'db', gw)).toEqual([]);
    expect((await busybox(a, 'nslookup', '-type=a', 'db', gw)).stdout + (await busybox(a, 'nslookup', '-type=a', 'nosuch', gw)).stdout).toMatch(/NXDOMAIN/);
    expect(await lookup(a, 'upstream.test', gw)).toEqual(['203.0.113.7']);
  });

  it('answer over TCP too (length-prefixed messages), forwarding over TCP', async () => {
    const gw = sandboxes.a?.endpoints.front?.Gateway ?? '';
    const parsed = parseResponse(await tcpQuery(gw, 'proj-web-2'));
    expect(parsed.id).toBe(42);
    expect(parsed.answers.map(aRecordAddress)).toEqual([ip(sandboxes.b, 'front')]);
    expect(parseResponse(await tcpQuery(gw, 'upstream.test')).answers.map(aRecordAddress)).toEqual(['203.0.113.8']);
  });

  it('isolate networks from each other', async () => {
    const a = sandboxes.a?.netnsPath ?? '';
    const r = await busybox(a, 'ping', '-c', '1', '-W', '1', ip(sandboxes.c, 'back'));
    expect(r.code).not.toBe(0);
  });

  it('connect a running sandbox to a second network and disconnect it again', async () => {
    const settings = await svc.connect(ids.a, { networkId: 'back', aliases: [] });
    const a = sandboxes.a?.netnsPath ?? '';
    const addrs = await runIn(a, ['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth1']);
    expect(addrs.stdout).toContain(`inet ${settings.IPAddress}/`);
    expect((await busybox(a, 'ping', '-c', '1', '-W', '2', ip(sandboxes.c, 'back'))).code).toBe(0);
    // Names of the second network now resolve through the first network's DNS.
    expect(await lookup(a, 'db', sandboxes.a?.endpoints.front?.Gateway ?? '')).toEqual([ip(sandboxes.c, 'back')]);
    // And the container is known by name on the second network.
    const c = sandboxes.c?.netnsPath ?? '';
    expect(await lookup(c, 'proj-web-1', sandboxes.c?.endpoints.back?.Gateway ?? '')).toEqual([settings.IPAddress]);

    await svc.disconnect(ids.a, 'back');
    expect((await runIn(a, ['ip', 'link', 'show', 'eth1'])).code).not.toBe(0);
    expect(await lookup(c, 'proj-web-1', sandboxes.c?.endpoints.back?.Gateway ?? '')).toEqual([]);
    expect(Object.keys((await svc.inspect('back')).Containers)).toEqual([ids.c]);
  });

  it('honour a fixed address, refuse a taken one, and forget a removed sandbox', async () => {
    const front = await svc.inspect('front');
    const subnet = front.IPAM.Config[0]?.Subnet ?? '';
    const fixed = subnet.replace(/\.0\/\d+$/, '.200');
    const d = await svc.createSandbox(ids.d, 'fixed', [{ networkId: front.Id, aliases: [], ipv4Address: fixed }], []);
    expect(d.endpoints.front?.IPAddress).toBe(fixed);
    await svc.removeSandbox(ids.d);
    expect(existsSync(d.netnsPath)).toBe(false);
    const taken = await svc.createSandbox(ids.d, 'dup', [{ networkId: 'front', aliases: [], ipv4Address: ip(sandboxes.b, 'front') }], []).catch((e: unknown) => e);
    expect(taken).toHaveProperty('code', 'conflict');
    expect(existsSync(d.netnsPath)).toBe(false);

    await svc.removeSandbox(ids.b);
    await svc.removeSandbox(ids.b); // idempotent
    const gw = sandboxes.a?.endpoints.front?.Gateway ?? '';
    expect(await lookup(sandboxes.a?.netnsPath ?? '', 'web', gw)).toEqual([ip(sandboxes.a, 'front')]);
  });

  it('brings the predefined bridge up with its first container, keeps it while berthd runs, drops it idle on close', async () => {
    const own = testDirs();
    const other = new BridgeNetworkService({ root: own.root, runDir: own.runDir, dnsUpstreams: [] });
    let closed = false;
    try {
      const bridge = await other.inspect('bridge');
      const name = bridge.Options['com.docker.network.bridge.name'] ?? '';
      expect(linkExists(name)).toBe(false);
      const s = await other.createSandbox(ids.d, 'on-default', [{ networkId: 'bridge', aliases: [] }], []);
      expect(linkExists(name)).toBe(true);
      expect(s.endpoints.bridge?.Gateway).toBe(bridge.IPAM.Config[0]?.Gateway);
      await other.removeSandbox(ids.d);
      // Idle but kept: the next container does not pay for the bridge again.
      expect(linkExists(name)).toBe(true);
      await other.close();
      closed = true;
      expect(linkExists(name)).toBe(false);
    } finally {
      await cleanupSteps([...(closed ? [] : [() => other.removeSandbox(ids.d), () => other.close()]), () => own.cleanup()]);
    }
  });
});
