import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isConflict, isNotFound } from '../../../src/errors.js';
import { overlaps, parseCidr } from '../../../src/engine/networks/cidr.js';
import { macFromIpv4 } from '../../../src/engine/networks/mac.js';
import { BridgeNetworkService } from '../../../src/engine/networks/network-service.js';
import { useLeakCheck } from '../../support/leaks.js';
import { cleanupSteps, linkExists, nftTableExists, testDirs } from './helpers.js';

useLeakCheck();

const dirs = testDirs();
const svc = new BridgeNetworkService({ root: dirs.root, runDir: dirs.runDir, dnsUpstreams: [] });

afterAll(async () => {
  const leftovers = (await svc.list()).filter((n) => !['bridge', 'host', 'none'].includes(n.Name));
  await cleanupSteps([
    ...leftovers.map((n) => () => svc.remove(n.Id)),
    () => svc.close(),
    () => linkExists('bt-ipam0') && execFileSync('ip', ['link', 'del', 'bt-ipam0']),
    () => dirs.cleanup(),
  ]);
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('bridge networks', () => {
  it('lists the predefined bridge, host and none networks like Docker', async () => {
    const names = (await svc.list()).map((n) => n.Name).sort();
    expect(names).toEqual(['bridge', 'host', 'none']);
    const bridge = await svc.inspect('bridge');
    expect(bridge.Driver).toBe('bridge');
    expect(bridge.IPAM.Config[0]?.Subnet).toMatch(/\/\d+$/);
    expect((await svc.inspect('none')).Driver).toBe('null');
    const err = await rejection(svc.remove('host'));
    expect((err as Error).message).toMatch(/pre-defined/);
  });

  it('creates a bridge with its gateway and firewall table, and removes both', async () => {
    const net = await svc.create({ Name: 'life', Labels: { 'com.docker.compose.project': 'p1' } });
    const bridge = `br-${net.Id.slice(0, 12)}`;
    expect(linkExists(bridge)).toBe(true);
    const gateway = net.IPAM.Config[0]?.Gateway ?? '';
    expect(execFileSync('ip', ['-4', 'addr', 'show', bridge], { encoding: 'utf8' })).toContain(`inet ${gateway}/`);
    // A fixed MAC, so the gateway's MAC does not change as containers come and go.
    expect(readFileSync(`/sys/class/net/${bridge}/address`, 'utf8').trim()).toBe(macFromIpv4(gateway));
    const table = (await import('node:crypto')).createHash('sha256').update(path.resolve(dirs.root)).digest('hex').slice(0, 8);
    expect(nftTableExists(`berth-${table}`)).toBe(true);
    expect(execFileSync('nft', ['list', 'table', 'ip', `berth-${table}`], { encoding: 'utf8' })).toContain(`ip saddr ${net.IPAM.Config[0]?.Subnet}`);
    expect(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim()).toBe('1');
    expect(existsSync(path.join(dirs.root, 'networks', `${net.Id}.json`))).toBe(true);

    expect((await svc.list({ label: ['com.docker.compose.project=p1'] })).map((n) => n.Name)).toEqual(['life']);
    expect((await svc.inspect(net.Id.slice(0, 10))).Name).toBe('life');
    expect(isConflict(await rejection(svc.create({ Name: 'life' })))).toBe(true);

    await svc.remove('life');
    expect(linkExists(bridge)).toBe(false);
    expect(nftTableExists(`berth-${table}`)).toBe(false);
    expect(existsSync(path.join(dirs.root, 'networks', `${net.Id}.json`))).toBe(false);
    expect(isNotFound(await rejection(svc.inspect('life')))).toBe(true);
  });

  it('never picks a subnet the host already routes', async () => {
    // Route a whole default pool (and the next) on a spare link (no dummy module here), as a VPN would.
    execFileSync('ip', ['link', 'add', 'bt-ipam0', 'type', 'bridge']);
    execFileSync('ip', ['addr', 'add', '172.18.0.1/15', 'dev', 'bt-ipam0']);
    execFileSync('ip', ['link', 'set', 'bt-ipam0', 'up']);
    const net = await svc.create({ Name: 'avoid' });
    const subnet = parseCidr(net.IPAM.Config[0]?.Subnet ?? '');
    expect(overlaps(subnet, parseCidr('172.18.0.0/15'))).toBe(false);
    expect(overlaps(subnet, parseCidr((await svc.inspect('bridge')).IPAM.Config[0]?.Subnet ?? ''))).toBe(false);
    await svc.remove('avoid');
  });

  it('moves the idle default bridge off a subnet the host started routing', async () => {
    const before = (await svc.inspect('bridge')).IPAM.Config[0]?.Subnet ?? '';
    const inside = before.replace(/\.0\/\d+$/, '.77/24');
    execFileSync('ip', ['link', 'add', 'bt-ipam1', 'type', 'bridge']);
    execFileSync('ip', ['addr', 'add', inside, 'dev', 'bt-ipam1']);
    try {
      const id = 'c'.repeat(64);
      const s = await svc.createSandbox(id, 'on-default', [{ networkId: 'bridge', aliases: [] }], []);
      const after = (await svc.inspect('bridge')).IPAM.Config[0]?.Subnet ?? '';
      expect(after).not.toBe(before);
      expect(overlaps(parseCidr(after), parseCidr(before))).toBe(false);
      expect(s.endpoints.bridge?.IPAddress.startsWith(after.split('.').slice(0, 2).join('.'))).toBe(true);
      await svc.removeSandbox(id);
    } finally {
      execFileSync('ip', ['link', 'del', 'bt-ipam1']);
    }
  });

  it('never gives two daemons the same free subnet when they create networks at once', async () => {
    const otherDirs = testDirs();
    const other = new BridgeNetworkService({ root: otherDirs.root, runDir: otherDirs.runDir, dnsUpstreams: [] });
    try {
      await Promise.all([svc.list(), other.list()]); // loaded, so both read the routes at once
      const made = await Promise.all([svc.create({ Name: 'par-a' }), other.create({ Name: 'par-b' }), svc.create({ Name: 'par-c' }), other.create({ Name: 'par-d' })]);
      const subnets = made.map((n) => parseCidr(n.IPAM.Config[0]?.Subnet ?? ''));
      const clashes = subnets.flatMap((a, i) => subnets.slice(i + 1).filter((b) => overlaps(a, b)));
      expect(clashes).toEqual([]);
    } finally {
      await cleanupSteps([() => svc.remove('par-a'), () => svc.remove('par-c'), () => other.remove('par-b'), () => other.remove('par-d'), () => other.close(), () => otherDirs.cleanup()]);
    }
  });

  it('honours an explicit subnet, gateway and range, and refuses overlaps', async () => {
    const net = await svc.create({ Name: 'fixed', Internal: true, IPAM: { Config: [{ Subnet: '10.123.0.0/16', Gateway: '10.123.0.254', IPRange: '10.123.7.0/24' }] } });
    expect(net.IPAM.Config).toEqual([{ Subnet: '10.123.0.0/16', Gateway: '10.123.0.254', IPRange: '10.123.7.0/24' }]);
    expect(net.Internal).toBe(true);
    expect(isConflict(await rejection(svc.create({ Name: 'clash', IPAM: { Config: [{ Subnet: '10.123.128.0/17' }] } })))).toBe(true);
    expect((await svc.list()).some((n) => n.Name === 'clash')).toBe(false);
    expect(await svc.prune({ label: ['nothing=here'] })).toEqual([]);
    expect(await svc.prune()).toEqual(['fixed']);
  });

  it('applies the MTU option to the bridge and both ends of every veth', async () => {
    const net = await svc.create({ Name: 'small-mtu', Options: { 'com.docker.network.driver.mtu': '1400' } });
    const id = 'd'.repeat(64);
    try {
      const s = await svc.createSandbox(id, 'mtu', [{ networkId: net.Id, aliases: [] }], []);
      expect(execFileSync('nsenter', [`--net=${s.netnsPath}`, 'ip', '-o', 'link', 'show', 'eth0'], { encoding: 'utf8' })).toContain('mtu 1400');
      expect(readFileSync(`/sys/class/net/br-${net.Id.slice(0, 12)}/mtu`, 'utf8').trim()).toBe('1400');
    } finally {
      await cleanupSteps([() => svc.removeSandbox(id), () => svc.remove('small-mtu')]);
    }
    expect((await rejection(svc.create({ Name: 'bad-mtu', Options: { 'com.docker.network.driver.mtu': '12' } }))) as Error).toHaveProperty('code', 'invalid');
  });

  it('a create that fails half-way (the DNS responder cannot listen) leaves no bridge and no firewall rules', async () => {
    // The gateway address taken on port 53 by someone else: on another link, before the bridge exists.
    execFileSync('ip', ['link', 'add', 'bt-dns0', 'type', 'bridge']);
    const sock = dgram.createSocket('udp4');
    try {
      execFileSync('ip', ['addr', 'add', '10.250.7.1/32', 'dev', 'bt-dns0']);
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.bind(53, '10.250.7.1', () => resolve());
      });
      const err = (await rejection(svc.create({ Name: 'dnsfail', IPAM: { Config: [{ Subnet: '10.250.7.0/24', Gateway: '10.250.7.1' }] } }))) as Error;
      expect(err.message).toContain('cannot start the DNS responder of network dnsfail on 10.250.7.1:53');
      expect((await svc.list()).map((n) => n.Name)).not.toContain('dnsfail');
      // only the other link holds the address: the bridge went, and so did its rules
      expect(execFileSync('ip', ['-4', '-o', 'addr', 'show', 'to', '10.250.7.0/24'], { encoding: 'utf8' }).trim().split('\n')).toEqual([expect.stringContaining('bt-dns0')]);
      expect(execFileSync('nft', ['list', 'ruleset'], { encoding: 'utf8' })).not.toContain('10.250.7.0/24');
    } finally {
      await new Promise<void>((r) => sock.close(() => r()));
      execFileSync('ip', ['link', 'del', 'bt-dns0']);
    }
  });

  it('refuses bad names and drivers', async () => {
    expect((await rejection(svc.create({ Name: 'bad name' }))) as Error).toHaveProperty('code', 'invalid');
    expect((await rejection(svc.create({ Name: 'ov', Driver: 'overlay' }))) as Error).toHaveProperty('code', 'invalid');
  });
});
