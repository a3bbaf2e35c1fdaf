// The whole `ip berth` nftables table as a pure function of the live bridge networks.
// Every change replaces the table in one `nft -f` transaction, so removal is exact (no
// rule handles to track) and a half-applied state never exists.

export const NFT_TABLE = 'berth';

export interface FirewallNetwork {
  bridge: string;
  subnet: string;
  internal: boolean;
}

export function renderRuleset(networks: FirewallNetwork[], table = NFT_TABLE): string {
  const head = `table ip ${table}\ndelete table ip ${table}\n`;
  if (networks.length === 0) return head;
  const sorted = [...networks].sort((a, b) => a.bridge.localeCompare(b.bridge));
  const bridges = sorted.map((n) => `"${n.bridge}"`).join(', ');
  const forward: string[] = [];
  const nat: string[] = [];
  for (const n of sorted) {
    const b = `"${n.bridge}"`;
    // Same bridge: containers talk freely (only seen here with br_netfilter loaded).
    forward.push(`iifname ${b} oifname ${b} accept`);
    // Isolation: nothing crosses from one berth network to another.
    forward.push(`iifname ${b} oifname @bridges drop`);
    if (n.internal) {
      // Internal networks reach nothing outside their bridge, and nothing reaches in.
      forward.push(`iifname ${b} drop`);
      forward.push(`oifname ${b} drop`);
    } else {
      // Outbound NAT: leaving through any interface that is not one of our bridges.
      nat.push(`ip saddr ${n.subnet} oifname != @bridges masquerade`);
    }
  }
  const indent = (rules: string[]) => rules.map((r) => `    ${r}\n`).join('');
  return (
    head +
    `table ip ${table} {\n` +
    `  set bridges {\n    type ifname\n    elements = { ${bridges} }\n  }\n` +
    `  chain forward {\n    type filter hook forward priority filter; policy accept;\n${indent(forward)}  }\n` +
    `  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n${indent(nat)}  }\n` +
    `}\n`
  );
}
