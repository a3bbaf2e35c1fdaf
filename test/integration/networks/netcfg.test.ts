import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addSandboxLinks, configurePooled, createSandboxNetns, releaseNetns } from '../../../src/engine/networks/netns.js';
import { useLeakCheck } from '../../support/leaks.js';
import { busybox, cleanupSteps, linkExists, runIn, testDirs } from './helpers.js';

// The namespace wiring of sandbox-manager.ts and sandbox-pool.ts, once with berth-netcfg
// (netcfg.c: netlink from one static process) and once with the tools it stands in for
// (unshare + ip): both must leave the same namespace behind.

useLeakCheck();

const dirs = testDirs();
const BRIDGE = 'bt-ncfg-br';

beforeAll(() => {
  execFileSync('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
  execFileSync('ip', ['addr', 'add', '10.231.0.1/24', 'dev', BRIDGE]);
  execFileSync('ip', ['link', 'set', BRIDGE, 'up']);
});

afterEach(() => {
  delete process.env.BERTH_NETCFG;
});

afterAll(async () => {
  await cleanupSteps([() => execFileSync('ip', ['link', 'del', BRIDGE]), () => dirs.cleanup()]);
});

const ip = async (ns: string, ...args: string[]) => (await runIn(ns, ['ip', ...args])).stdout;
const hostLink = (name: string) => execFileSync('ip', ['-o', 'link', 'show', name], { encoding: 'utf8' });

describe.each([
  ['berth-netcfg', undefined],
  ['unshare + ip', '0'],
])('sandbox namespaces made with %s', (_label, env) => {
  it('have lo and endpoints up, with MAC, address, default route, MTU; host ends on the bridge; go with the file', async () => {
    if (env !== undefined) process.env.BERTH_NETCFG = env;
    const tag = env === undefined ? 'n' : 't';
    const file = path.join(dirs.runDir, `sb-${tag}`);
    const pool = path.join(dirs.runDir, `pool-${tag}`);
    const veths = [`vt${tag}a000001`, `vt${tag}b000001`, `vt${tag}c000001`];
    try {
      await createSandboxNetns(file, [{ ifname: 'eth0', hostVeth: veths[0] ?? '', bridge: BRIDGE, mac: '02:42:0a:e7:00:02', cidr: '10.231.0.2/24', defaultGateway: '10.231.0.1', mtu: 1400 }]);
      expect(await ip(file, '-o', 'link', 'show', 'lo')).toMatch(/[<,]UP[,>]/);
      const eth0 = await ip(file, '-o', 'link', 'show', 'eth0');
      expect(eth0).toContain('02:42:0a:e7:00:02');
      expect(eth0).toContain('mtu 1400');
      expect(eth0).toMatch(/[<,]UP[,>]/);
      expect(await ip(file, '-o', '-4', 'addr', 'show', 'eth0')).toContain('inet 10.231.0.2/24 ');
      expect(await ip(file, 'route')).toContain('default via 10.231.0.1 dev eth0');
      const host = hostLink(veths[0] ?? '');
      expect(host).toContain(`master ${BRIDGE}`);
      expect(host).toContain('mtu 1400');
      expect((await busybox(file, 'ping', '-c', '1', '-W', '2', '10.231.0.1')).code).toBe(0);

      // network connect: one more endpoint, no second default route
      await addSandboxLinks(file, [{ ifname: 'eth1', hostVeth: veths[1] ?? '', bridge: BRIDGE, mac: '02:42:0a:e7:00:03', cidr: '10.231.0.3/24' }]);
      expect(await ip(file, '-o', '-4', 'addr', 'show', 'eth1')).toContain('inet 10.231.0.3/24 ');
      expect(hostLink(veths[1] ?? '')).toContain(`master ${BRIDGE}`);

      // the pool's: eth0 down and bare until taken
      await createSandboxNetns(pool, [{ ifname: 'eth0', hostVeth: veths[2] ?? '', bridge: BRIDGE, mtu: undefined }]);
      expect(await ip(pool, '-o', 'link', 'show', 'eth0')).not.toMatch(/[<,]UP[,>]/);
      expect(await ip(pool, '-o', '-4', 'addr', 'show', 'eth0')).toBe('');
      expect(hostLink(veths[2] ?? '')).toContain(`master ${BRIDGE}`);
      await configurePooled(pool, { ifname: 'eth0', hostVeth: veths[2] ?? '', bridge: BRIDGE, mac: '02:42:0a:e7:00:04', cidr: '10.231.0.4/24', defaultGateway: '10.231.0.1' });
      expect((await busybox(pool, 'ping', '-c', '1', '-W', '2', '10.231.0.2')).code).toBe(0);
    } finally {
      await releaseNetns(file, veths.slice(0, 2));
      await releaseNetns(pool, veths.slice(2));
    }
    expect(existsSync(file) || existsSync(pool)).toBe(false);
    for (const v of veths) expect(linkExists(v)).toBe(false);
  });
});

describe('berth-netcfg failures', () => {
  it('name the step and the object; what was made is released by the caller', async () => {
    const file = path.join(dirs.runDir, 'sb-fail');
    await expect(createSandboxNetns(file, [{ ifname: 'eth0', hostVeth: 'vtfail000001', bridge: 'bt-no-such-br', mtu: undefined }])).rejects.toThrow(
      /berth-netcfg: link `bt-no-such-br`: No such device/,
    );
    await releaseNetns(file, ['vtfail000001']);
    expect(linkExists('vtfail000001')).toBe(false);
    expect(existsSync(file)).toBe(false);
    await expect(createSandboxNetns(file, [{ ifname: 'eth0', hostVeth: 'vtfail000002', bridge: BRIDGE, mac: 'zz', cidr: '10.231.0.9/24' }])).rejects.toThrow(
      /berth-netcfg: parse `eth0,vtfail000002,bt-ncfg-br,0,zz,10.231.0.9\/24`: Invalid argument/,
    );
    await releaseNetns(file, ['vtfail000002']);
    expect(existsSync(file)).toBe(false);
  });
});
