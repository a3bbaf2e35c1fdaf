import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BridgeNetworkService } from '../../../src/engine/networks/network-service.js';
import { useLeakCheck } from '../../support/leaks.js';
import { cleanupSteps, linkExists, lookup, spawnIn, testDirs, until } from './helpers.js';

useLeakCheck();

const dirs = testDirs();
const KEEP = 'e'.repeat(64);
const LOST = 'f'.repeat(64);
let current = new BridgeNetworkService({ root: dirs.root, runDir: dirs.runDir, dnsUpstreams: [] });
const stops: (() => Promise<void>)[] = [];

afterAll(async () => {
  await cleanupSteps([
    ...stops,
    () => current.removeSandbox(KEEP),
    () => current.removeSandbox(LOST),
    () => current.remove('keep'),
    () => current.close(),
    () => dirs.cleanup(),
  ]);
});

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

describe('restore after a berthd restart', () => {
  it('reloads state, answers DNS and republishes ports; drops sandboxes whose namespace is gone', async () => {
    await current.create({ Name: 'keep' });
    const keep = await current.createSandbox(KEEP, 'keeper', [{ networkId: 'keep', aliases: ['svc'] }], [{ containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 0 }]);
    const lost = await current.createSandbox(LOST, 'lost', [{ networkId: 'keep', aliases: ['svc'] }], []);
    const gw = keep.endpoints.keep?.Gateway ?? '';
    const port = keep.ports[0]?.hostPort ?? 0;
    const www = path.join(dirs.root, 'www');
    mkdirSync(www, { recursive: true });
    writeFileSync(path.join(www, 'index.html'), 'kept\n');
    const httpd = spawnIn(keep.netnsPath, ['/bin/busybox', 'httpd', '-f', '-p', '80', '-h', www]);
    stops.push(() => httpd.stop());
    expect((await lookup(keep.netnsPath, 'svc', gw)).sort()).toEqual([keep.endpoints.keep?.IPAddress, lost.endpoints.keep?.IPAddress].sort());

    await current.close();
    // Kernel state stays, listeners are gone.
    expect(linkExists(`br-${(keep.endpoints.keep?.NetworkID ?? '').slice(0, 12)}`)).toBe(true);
    expect(await connects(port)).toBe(false);
    // While berthd is down, one container's namespace disappears (host reboot-like loss).
    execFileSync('umount', [lost.netnsPath]);

    current = new BridgeNetworkService({ root: dirs.root, runDir: dirs.runDir, dnsUpstreams: [] });
    await current.restore();
    expect(await lookup(keep.netnsPath, 'keeper', gw)).toEqual([keep.endpoints.keep?.IPAddress]);
    expect(await lookup(keep.netnsPath, 'svc', gw)).toEqual([keep.endpoints.keep?.IPAddress]);
    expect(await until('republished port', async () => connects(port))).toBe(true);
    expect(Object.keys((await current.inspect('keep')).Containers)).toEqual([KEEP]);
    const restored = await current.sandbox(KEEP);
    expect(restored?.ports).toEqual(keep.ports);
  });

  it('replaces a namespace file a crash left mounted instead of stacking a second mount', async () => {
    const id = '9'.repeat(64);
    const file = path.join(dirs.runDir, 'netns', id);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '');
    execFileSync('unshare', [`--net=${file}`, 'true']);
    const s = await current.createSandbox(id, 'again', [{ networkId: 'keep', aliases: [] }], []);
    expect(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === file)).toHaveLength(1);
    await current.removeSandbox(id);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(file);
    expect(s.netnsPath).toBe(file);
  });

  it('recreates bridges a reboot took away and drops the sandboxes that went with them', async () => {
    const net = await current.inspect('keep');
    const bridge = `br-${net.Id.slice(0, 12)}`;
    const sandbox = await current.sandbox(KEEP);
    await current.close();
    for (const stop of stops.splice(0)) await stop();
    execFileSync('umount', [sandbox?.netnsPath ?? '']);
    execFileSync('ip', ['link', 'del', bridge]);

    current = new BridgeNetworkService({ root: dirs.root, runDir: dirs.runDir, dnsUpstreams: [] });
    await current.restore();
    expect(linkExists(bridge)).toBe(true);
    expect((await current.inspect('keep')).Containers).toEqual({});
    expect(await current.sandbox(KEEP)).toBeUndefined();
    // Usable again: a new sandbox gets the first address and the network's DNS.
    const again = await current.createSandbox(KEEP, 'keeper', [{ networkId: 'keep', aliases: [] }], []);
    expect(await lookup(again.netnsPath, 'keeper', again.endpoints.keep?.Gateway ?? '')).toEqual([again.endpoints.keep?.IPAddress]);
  });
});
