import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BridgeNetworkService } from '../../../src/engine/networks/network-service.js';
import { VETH_WAIT_MS } from '../../../src/engine/networks/netns.js';
import { useLeakCheck } from '../../support/leaks.js';
import { cleanupSteps, linkExists, spawnIn, testDirs, until } from './helpers.js';

useLeakCheck();

const dirs = testDirs();
const svc = new BridgeNetworkService({ root: dirs.root, runDir: dirs.runDir, dnsUpstreams: [] });
const ids = Array.from({ length: 10 }, (_, i) => (i + 1).toString(16).padStart(64, 'e'));
const hostVeth = (id: string): string => (JSON.parse(readFileSync(`${dirs.root}/networks/${netId}.json`, 'utf8')) as { endpoints: Record<string, { hostVeth: string }> }).endpoints[id]?.hostVeth ?? '';
let netId = '';

afterAll(async () => {
  await cleanupSteps([() => Promise.all(ids.map((id) => svc.removeSandbox(id))), () => svc.remove('rel').catch(() => undefined), () => svc.close(), () => dirs.cleanup()]);
});

describe('releasing sandboxes', () => {
  it('takes their host veths with their namespaces, without a deletion per link', async () => {
    netId = (await svc.create({ Name: 'rel' })).Id;
    await Promise.all(ids.map((id, i) => svc.createSandbox(id, `r${i}`, [{ networkId: 'rel', aliases: [] }], [])));
    const veths = ids.map(hostVeth);
    expect(veths.every((v) => v !== '' && linkExists(v))).toBe(true);
    const t0 = performance.now();
    await Promise.all(ids.map((id) => svc.removeSandbox(id)));
    const ms = performance.now() - t0;
    expect(veths.filter(linkExists)).toEqual([]);
    // The explicit deletion only comes after VETH_WAIT_MS: done sooner, the namespaces' end took them.
    expect(ms).toBeLessThan(VETH_WAIT_MS);
  });

  it('deletes the host veth of a namespace something still holds', async () => {
    const id = ids[0] ?? '';
    const box = await svc.createSandbox(id, 'held', [{ networkId: 'rel', aliases: [] }], []);
    const veth = hostVeth(id);
    const holder = spawnIn(box.netnsPath, ['sleep', '30']);
    try {
      await until('the holder in the namespace', async () => holder.child.pid !== undefined && readFileSync(`/proc/${holder.child.pid}/cmdline`, 'utf8').startsWith('sleep'));
      const t0 = performance.now();
      await svc.removeSandbox(id);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(VETH_WAIT_MS - 50);
      expect(linkExists(veth)).toBe(false);
    } finally {
      await holder.stop();
    }
  });
});

/** Running `ip link del NAME` processes (the spawn server runs ip by its path). */
function ipDeleting(name: string): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('/ip') && argv.slice(1, 4).join(' ') === `link del ${name}`) n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

describe('removing a network', () => {
  it('answers once its bridge is unlisted; the ip that deleted it is waited for at close', async () => {
    const d2 = testDirs();
    const svc2 = new BridgeNetworkService({ root: d2.root, runDir: d2.runDir, dnsUpstreams: [] });
    try {
      const id = (await svc2.create({ Name: 'unlisted' })).Id;
      const bridge = `br-${id.slice(0, 12)}`;
      await svc2.remove('unlisted');
      expect(linkExists(bridge)).toBe(false);
      // ip waits ~50 ms for the bridge's last references after unlisting it (usually still
      // running now: how soon the answer came is the bench's business, not a test's); close
      // waits for it.
      await svc2.close();
      expect(ipDeleting(bridge)).toBe(0);
    } finally {
      await svc2.close();
      d2.cleanup();
    }
  });
});
