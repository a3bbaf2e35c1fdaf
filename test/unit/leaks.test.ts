import { describe, expect, it } from 'vitest';
import { diffSnapshots, type HostSnapshot } from '../support/leaks.js';

const empty: HostSnapshot = { mounts: [], links: [], netns: [], cgroups: [], processes: [], nftables: [] };

describe('leak check', () => {
  it('reports what appeared after the snapshot', () => {
    const after = { ...empty, links: ['veth123'], netns: ['/run/netns/x'] };
    expect(diffSnapshots(empty, after)).toEqual(['links: veth123', 'netns: /run/netns/x']);
  });
  it('ignores what was there before', () => {
    const before = { ...empty, mounts: ['/a (overlay)'] };
    expect(diffSnapshots(before, before)).toEqual([]);
  });
});
