import { run } from './exec.js';

// Docker sets the iptables FORWARD policy to DROP. Packets must pass every base chain on
// the forward hook, so on such a host our nftables accepts are not enough: we add accept
// rules for our bridges to DOCKER-USER (Docker's chain for user rules, kept first in
// FORWARD) or to FORWARD itself when DOCKER-USER is absent. Rules carry the comment
// (our nft table name) so they are found and removed exactly, also after a berthd restart.

/** Runs iptables with the given arguments; undefined when it fails (chain missing, no iptables). */
export type Iptables = (args: string[]) => Promise<string | undefined>;

export const hostIptables: Iptables = async (args) => {
  try {
    return await run('iptables', ['-w', ...args]);
  } catch {
    return undefined;
  }
};

export async function forwardPolicyIsDrop(iptables: Iptables = hostIptables): Promise<boolean> {
  const out = await iptables(['-S', 'FORWARD']);
  return out !== undefined && /^-P FORWARD DROP$/m.test(out);
}

function comment(tag: string): string[] {
  return ['-m', 'comment', '--comment', tag];
}

export function acceptRules(tag: string, bridge: string): string[][] {
  const COMMENT = comment(tag);
  return [
    ['-i', bridge, ...COMMENT, '-j', 'ACCEPT'],
    ['-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', ...COMMENT, '-j', 'ACCEPT'],
  ];
}

/** The bridge named by a `-A CHAIN ...` line that we added, if it is ours. */
export function bridgeOfRule(tag: string, line: string): string | undefined {
  if (!line.split(' ').some((w, i, all) => w === tag && all[i - 1] === '--comment')) return undefined;
  return /(?:^| )-[io] (\S+)/.exec(line)?.[1];
}

/** Make our accept rules cover exactly `wanted`; returns the set now covered. */
export async function syncIptablesAccept(tag: string, known: Set<string>, wanted: Set<string>, iptables: Iptables = hostIptables): Promise<Set<string>> {
  if (known.size === 0 && wanted.size === 0) return wanted;
  const chains = ['DOCKER-USER', 'FORWARD'];
  for (const chain of chains) {
    const listing = await iptables(['-S', chain]);
    if (listing === undefined) continue;
    for (const line of listing.split('\n')) {
      const bridge = bridgeOfRule(tag, line);
      if (!bridge || wanted.has(bridge)) continue;
      await iptables(['-D', chain, ...line.split(' ').slice(2)]);
    }
  }
  if (wanted.size === 0) return wanted;
  const chain = (await iptables(['-S', 'DOCKER-USER'])) !== undefined ? 'DOCKER-USER' : 'FORWARD';
  for (const bridge of wanted) {
    for (const rule of acceptRules(tag, bridge)) {
      if ((await iptables(['-C', chain, ...rule])) === undefined) await iptables(['-I', chain, ...rule]);
    }
  }
  return wanted;
}
