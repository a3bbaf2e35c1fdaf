import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardPolicyIsDrop, syncIptablesAccept, type Iptables } from '../../../src/engine/networks/iptables-accept.js';
import { useLeakCheck } from '../../support/leaks.js';
import { runIn, testDirs } from './helpers.js';

useLeakCheck();

// A FORWARD policy of DROP (what dockerd sets) would break every other engineer's
// traffic on this host, so the host's iptables stay untouched: the rules are managed in
// a private network namespace, where iptables has its own tables.
const dirs = testDirs();
const netns = path.join(path.dirname(dirs.root), 'ipt-ns');
const inNs: Iptables = async (args) => {
  const r = await runIn(netns, ['iptables', '-w', ...args]);
  return r.code === 0 ? r.stdout : undefined;
};

beforeAll(() => {
  mkdirSync(path.dirname(netns), { recursive: true });
  writeFileSync(netns, '');
  execFileSync('unshare', [`--net=${netns}`, 'true']);
});

afterAll(() => {
  execFileSync('umount', [netns]);
  rmSync(netns, { force: true });
  dirs.cleanup();
});

const rules = async (chain: string) => ((await inNs(['-S', chain])) ?? '').split('\n').filter((l) => l.includes('--comment berth-t'));

describe("accept rules for Docker's FORWARD DROP policy", () => {
  it('are needed only when the policy is DROP', async () => {
    expect(await forwardPolicyIsDrop(inNs)).toBe(false);
    await inNs(['-P', 'FORWARD', 'DROP']);
    expect(await forwardPolicyIsDrop(inNs)).toBe(true);
  });

  it('go to FORWARD without DOCKER-USER, to DOCKER-USER when it exists, and leave exactly', async () => {
    let known = await syncIptablesAccept('berth-t', new Set(), new Set(['br-one']), inNs);
    expect(await rules('FORWARD')).toHaveLength(2);
    // idempotent
    known = await syncIptablesAccept('berth-t', known, new Set(['br-one']), inNs);
    expect(await rules('FORWARD')).toHaveLength(2);
    await inNs(['-N', 'DOCKER-USER']);
    await inNs(['-A', 'DOCKER-USER', '-i', 'br-other', '-m', 'comment', '--comment', 'berth-x', '-j', 'ACCEPT']);
    known = await syncIptablesAccept('berth-t', known, new Set(['br-two']), inNs);
    expect(await rules('FORWARD')).toEqual([]);
    const userRules = await rules('DOCKER-USER');
    expect(userRules.join('\n')).toContain('-i br-two');
    expect(userRules.join('\n')).toContain('-o br-two -m conntrack --ctstate RELATED,ESTABLISHED');
    await syncIptablesAccept('berth-t', known, new Set(), inNs);
    expect(await rules('DOCKER-USER')).toEqual([]);
    // another instance's rule (different tag) is left alone
    expect(await inNs(['-S', 'DOCKER-USER'])).toContain('--comment berth-x');
  });
});
