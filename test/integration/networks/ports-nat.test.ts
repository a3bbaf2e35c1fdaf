import dgram from 'node:dgram';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeNetworkService } from '../../../src/engine/networks/network-service.js';
import type { Sandbox } from '../../../src/engine/types.js';
import { useLeakCheck } from '../../support/leaks.js';
import { busybox, cleanupSteps, eth0Address, linkExists, nodeIn, outsideHost, runIn, spawnIn, testDirs, until } from './helpers.js';

useLeakCheck();

const dirs = testDirs();
const svc = new BridgeNetworkService({ root: dirs.root, runDir: dirs.runDir, dnsUpstreams: [] });
const WEB = '1'.repeat(64);
const UDP = '2'.repeat(64);
const CLIENT = '3'.repeat(64);
const SEALED = '4'.repeat(64);
const CLASH = '5'.repeat(64);
const stops: (() => Promise<void> | void)[] = [];
let web: Sandbox;
let outside: ReturnType<typeof outsideHost>;

beforeAll(async () => {
  mkdirSync(dirs.root, { recursive: true });
  outside = outsideHost(dirs.root);
  const echo = nodeIn(outside.netns, "require('net').createServer(s=>s.end(s.remoteAddress+'\\n')).listen(7001,'0.0.0.0')");
  stops.push(() => echo.stop());
  await svc.create({ Name: 'pub' });
  await svc.create({ Name: 'sealed', Internal: true });
});

afterAll(async () => {
  await cleanupSteps([
    ...stops.reverse(),
    ...[WEB, UDP, CLIENT, SEALED, CLASH].map((id) => () => svc.removeSandbox(id)),
    () => svc.remove('pub'),
    () => svc.remove('sealed'),
    () => svc.close(),
    () => outside?.cleanup(),
    () => dirs.cleanup(),
  ]);
});

function httpGet(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    let body = '';
    sock.on('connect', () => sock.write(`GET / HTTP/1.0\r\nHost: x\r\n\r\n`));
    sock.on('data', (b: Buffer) => (body += b.toString()));
    sock.on('end', () => resolve(body));
    sock.on('error', reject);
  });
}

function udpAsk(host: string, port: number, text: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => finish(undefined), 500);
    const finish = (v: string | undefined) => {
      clearTimeout(timer);
      s.close();
      resolve(v);
    };
    s.on('message', (m) => finish(m.toString()));
    s.send(text, port, host);
  });
}

describe('published ports', () => {
  it('reach a busybox httpd in the sandbox over TCP on 127.0.0.1, the eth0 address and ::1', async () => {
    web = await svc.createSandbox(WEB, 'web', [{ networkId: 'pub', aliases: [] }], [{ containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: 0 }]);
    const port = web.ports[0]?.hostPort ?? 0;
    expect(port).toBeGreaterThan(0);
    const www = path.join(dirs.root, 'www');
    mkdirSync(www, { recursive: true });
    writeFileSync(path.join(www, 'index.html'), 'hello from the sandbox\n');
    const httpd = spawnIn(web.netnsPath, ['/bin/busybox', 'httpd', '-f', '-p', '80', '-h', www]);
    stops.push(() => httpd.stop());
    const body = await until('httpd answering through the proxy', () => httpGet('127.0.0.1', port).catch(() => undefined).then((b) => (b?.includes('hello') ? b : undefined)));
    expect(body).toContain('200 OK');
    expect(await httpGet(eth0Address(), port)).toContain('hello from the sandbox');
    // All addresses means IPv6 too, as with Docker.
    expect(await httpGet('::1', port)).toContain('hello from the sandbox');
  });

  it('keep the client address for other hosts (DNAT) and use the proxy for local clients', async () => {
    const ECHO = '6'.repeat(64);
    const s = await svc.createSandbox(ECHO, 'echo', [{ networkId: 'pub', aliases: [] }], [{ containerPort: 8000, protocol: 'tcp', hostIp: '', hostPort: 0 }]);
    stops.push(async () => void (await svc.removeSandbox(ECHO)));
    const server = nodeIn(s.netnsPath, "require('net').createServer(c=>c.end(c.remoteAddress+'\\n')).listen(8000,'0.0.0.0')");
    stops.push(() => server.stop());
    const port = String(s.ports[0]?.hostPort ?? 0);
    const local = await until('echo via proxy', () => httpGet('127.0.0.1', Number(port)).then((b) => b.trim() || undefined, () => undefined));
    expect(local).toBe(s.endpoints.pub?.Gateway);
    const remote = await until('echo via DNAT', async () => {
      const r = await busybox(outside.netns, 'nc', '-w', '2', outside.hostIp, port);
      return r.code === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
    });
    expect(remote).toBe(outside.peerIp);
  });

  it('follow the container to its next network when it leaves the first one', async () => {
    const MOVER = '8'.repeat(64);
    await svc.create({ Name: 'pub2' });
    stops.push(async () => {
      await svc.removeSandbox(MOVER);
      await svc.remove('pub2');
    });
    const s = await svc.createSandbox(MOVER, 'mover', [{ networkId: 'pub', aliases: [] }], [{ containerPort: 8000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 0 }]);
    const server = nodeIn(s.netnsPath, "require('net').createServer(c=>c.end(c.remoteAddress+'\\n')).listen(8000,'0.0.0.0')");
    stops.push(() => server.stop());
    const port = s.ports[0]?.hostPort ?? 0;
    await until('echo via proxy', () => httpGet('127.0.0.1', port).then((b) => b.trim() || undefined, () => undefined));
    const second = await svc.connect(MOVER, { networkId: 'pub2', aliases: [] });
    await svc.disconnect(MOVER, 'pub');
    expect((await runIn(s.netnsPath, ['ip', 'route'])).stdout).toContain(`default via ${second.Gateway} dev eth1`);
    // The published port now reaches the container through its remaining network.
    expect(await until('echo after the move', () => httpGet('127.0.0.1', port).then((b) => b.trim() || undefined, () => undefined))).toBe(second.Gateway);
    const seen = await until('outside listener after the move', async () => {
      const r = await busybox(s.netnsPath, 'nc', '-w', '2', outside.peerIp, '7001');
      return r.code === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
    });
    expect(seen).toBe(outside.hostIp);
  });

  it('relay UDP both ways', async () => {
    const s = await svc.createSandbox(UDP, 'udp', [{ networkId: 'pub', aliases: [] }], [{ containerPort: 9999, protocol: 'udp', hostIp: '127.0.0.1', hostPort: 0 }]);
    const echo = nodeIn(s.netnsPath, "const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send('echo:'+m,r.port,r.address));s.bind(9999)");
    stops.push(() => echo.stop());
    const port = s.ports[0]?.hostPort ?? 0;
    expect(s.ports[0]?.hostIp).toBe('127.0.0.1');
    expect(await until('udp echo', () => udpAsk('127.0.0.1', port, 'ping'))).toBe('echo:ping');
  });

  it('fail with a conflict naming a taken port and leave nothing behind', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', () => r()));
    stops.push(() => new Promise<void>((r) => blocker.close(() => r())));
    const taken = (blocker.address() as net.AddressInfo).port;
    const before = readdirSync('/sys/class/net').filter((n) => n.startsWith('veth')).sort();
    const err = await svc
      .createSandbox(CLASH, 'clash', [{ networkId: 'pub', aliases: [] }], [
        { containerPort: 81, protocol: 'tcp', hostIp: '', hostPort: 0 },
        { containerPort: 80, protocol: 'tcp', hostIp: '', hostPort: taken },
      ])
      .catch((e: unknown) => e);
    expect(err).toHaveProperty('code', 'conflict');
    expect((err as Error).message).toContain(`:${taken}/tcp`);
    expect(existsSync(path.join(dirs.runDir, 'netns', CLASH))).toBe(false);
    expect(readdirSync('/sys/class/net').filter((n) => n.startsWith('veth')).sort()).toEqual(before);
    expect(Object.keys((await svc.inspect('pub')).Containers)).not.toContain(CLASH);
  });
});

describe('outbound traffic', () => {
  it('is masqueraded to the host address when it leaves through a non-bridge link', async () => {
    const client = await svc.createSandbox(CLIENT, 'client', [{ networkId: 'pub', aliases: [] }], []);
    const listener = nodeIn(outside.netns, "require('net').createServer(s=>s.end(s.remoteAddress+'\\n')).listen(7000,'0.0.0.0')");
    stops.push(() => listener.stop());
    const seen = await until('outside listener', async () => {
      const r = await busybox(client.netnsPath, 'nc', '-w', '2', outside.peerIp, '7000');
      return r.code === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
    });
    expect(seen).toBe(outside.hostIp);
  });

  it('reaches a listener on the host eth0 address', async () => {
    const server = net.createServer((s) => s.end(`${s.remoteAddress}\n`));
    await new Promise<void>((r) => server.listen(0, eth0Address(), () => r()));
    stops.push(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as net.AddressInfo).port;
    const clientNs = path.join(dirs.runDir, 'netns', CLIENT);
    const r = await busybox(clientNs, 'nc', '-w', '2', eth0Address(), String(port));
    // Delivered locally on the host, so no NAT applies (as with Docker): the host sees
    // the container's own address.
    expect(r.stdout.trim()).toBe((await svc.inspect('pub')).Containers[CLIENT]?.IPv4Address.split('/')[0]);
    // And another container's published port through the host address (hairpin).
    const page = await busybox(clientNs, 'wget', '-q', '-O', '-', `http://${eth0Address()}:${web.ports[0]?.hostPort ?? 0}/`);
    expect(page.stdout).toContain('hello from the sandbox');
  });

  it('is impossible from an internal network: no default route, nothing gets out', async () => {
    const s = await svc.createSandbox(SEALED, 'sealed', [{ networkId: 'sealed', aliases: [] }], []);
    expect((await runIn(s.netnsPath, ['ip', 'route'])).stdout).not.toContain('default');
    const r = await busybox(s.netnsPath, 'nc', '-w', '1', outside.peerIp, '7000');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unreachable/i);
    expect(linkExists('bt-out-h')).toBe(true);
  });
});
