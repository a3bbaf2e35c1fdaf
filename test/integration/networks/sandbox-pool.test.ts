import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BridgeNetworkService } from '../../../src/engine/networks/network-service.js';
import { useLeakCheck } from '../../support/leaks.js';
import { busybox, cleanupSteps, linkExists, runIn, testDirs, until } from './helpers.js';

useLeakCheck();

const dirs = testDirs();
const svc = new BridgeNetworkService({ root: dirs.root, runDir: dirs.runDir, dnsUpstreams: [], sandboxPool: 1 });
const ids = ['a', 'b', 'c', 'd', 'e', 'f', '1'].map((c) => c.repeat(64));
const poolFiles = (): string[] => (existsSync(path.join(dirs.runDir, 'netns')) ? readdirSync(path.join(dirs.runDir, 'netns')).filter((f) => f.startsWith('pool-')) : []);

afterAll(async () => {
  await cleanupSteps([() => Promise.all(ids.map((id) => svc.removeSandbox(id))), ...['pooled', 'p1', 'p2', 'later'].map((n) => () => svc.remove(n).catch(() => undefined)), () => svc.close(), () => dirs.cleanup()]);
});

describe('namespaces made ahead of time', () => {
  it('serve the next sandbox with its own address, MAC, route and names; go with the network and at close', async () => {
    await svc.create({ Name: 'pooled', Options: { 'com.docker.network.driver.mtu': '1400' } });
    const first = await svc.createSandbox(ids[0] ?? '', 'first', [{ networkId: 'pooled', aliases: ['web'] }], []);
    expect(path.basename(first.netnsPath)).toBe(ids[0]); // the pool fills after its first use
    await until('a pooled namespace', async () => (await svc.pooled('pooled')) > 0);
    const file = poolFiles()[0] ?? '';
    const second = await svc.createSandbox(ids[1] ?? '', 'second', [{ networkId: 'pooled', aliases: ['web'] }], []);
    expect(second.netnsPath).toBe(path.join(dirs.runDir, 'netns', file));
    const ep = second.endpoints.pooled;
    const link = (await runIn(second.netnsPath, ['ip', '-o', 'link', 'show', 'eth0'])).stdout;
    expect(link).toContain(ep?.MacAddress ?? '?');
    expect(link).toContain('mtu 1400');
    expect((await runIn(second.netnsPath, ['ip', '-o', '-4', 'addr', 'show', 'eth0'])).stdout).toContain(`inet ${ep?.IPAddress}/${ep?.IPPrefixLen} `);
    expect((await runIn(second.netnsPath, ['ip', 'route'])).stdout).toContain(`default via ${ep?.Gateway} dev eth0`);
    expect((await busybox(second.netnsPath, 'ping', '-c', '1', '-W', '2', first.endpoints.pooled?.IPAddress ?? '')).code).toBe(0);
    expect((await busybox(first.netnsPath, 'nslookup', 'second', ep?.Gateway ?? '')).stdout).toContain(ep?.IPAddress ?? '?');
    // A removed sandbox's namespace goes with it, pooled or not.
    await svc.removeSandbox(ids[1] ?? '');
    expect(existsSync(second.netnsPath)).toBe(false);
    await until('the pool refilled', async () => (await svc.pooled('pooled')) > 0);
    await svc.removeSandbox(ids[0] ?? '');
    await svc.remove('pooled');
    expect(poolFiles()).toEqual([]);
    expect(linkExists(`br-${(ep?.NetworkID ?? '').slice(0, 12)}`)).toBe(false);
  });

  it('is not used for a sandbox on several networks, and is emptied at close', async () => {
    await svc.create({ Name: 'p1' });
    await svc.create({ Name: 'p2' });
    await svc.createSandbox(ids[2] ?? '', 'c', [{ networkId: 'p1', aliases: [] }], []);
    await until('a pooled namespace', async () => (await svc.pooled('p1')) > 0);
    const multi = await svc.createSandbox(ids[3] ?? '', 'd', [{ networkId: 'p1', aliases: [] }, { networkId: 'p2', aliases: [] }], []);
    expect(path.basename(multi.netnsPath)).toBe(ids[3]);
    await Promise.all([svc.removeSandbox(ids[2] ?? ''), svc.removeSandbox(ids[3] ?? '')]);
    await svc.remove('p1');
    await svc.remove('p2');
    expect(poolFiles()).toEqual([]);
  });

  it('configureLater: answered before a pooled endpoint is configured; a failure of it is the caller\'s to undo', async () => {
    await svc.create({ Name: 'later' });
    const [e, f, g] = [ids[4] ?? '', ids[5] ?? '', ids[6] ?? ''];
    await svc.createSandbox(e, 'e', [{ networkId: 'later', aliases: [] }], []);
    await until('a pooled namespace', async () => (await svc.pooled('later')) > 0);
    const early = await svc.createSandbox(f, 'f', [{ networkId: 'later', aliases: [] }], [], { configureLater: true });
    expect(early.configured).toBeInstanceOf(Promise);
    await early.configured;
    expect((await busybox(early.netnsPath, 'ping', '-c', '1', '-W', '2', early.endpoints.later?.Gateway ?? '')).code).toBe(0);
    // A pooled namespace that lost its eth0: the configuration fails after the answer.
    await until('the pool refilled', async () => (await svc.pooled('later')) > 0);
    // (f's namespace was a pooled one too: the file left in the pool is the other one)
    const broken = poolFiles().find((f2) => f2 !== path.basename(early.netnsPath)) ?? '';
    expect((await runIn(path.join(dirs.runDir, 'netns', broken), ['ip', 'link', 'del', 'eth0'])).code).toBe(0);
    const failing = await svc.createSandbox(g, 'g', [{ networkId: 'later', aliases: [] }], [], { configureLater: true });
    expect(failing.netnsPath).toBe(path.join(dirs.runDir, 'netns', broken));
    await expect(failing.configured).rejects.toThrow(/eth0/);
    await svc.removeSandbox(g);
    expect(existsSync(failing.netnsPath)).toBe(false);
    await Promise.all([svc.removeSandbox(e), svc.removeSandbox(f)]);
    await svc.remove('later');
    expect(poolFiles()).toEqual([]);
  });
});
