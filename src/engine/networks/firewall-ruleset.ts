// The whole `ip berth` nftables table as a pure function of the live bridge networks.
// Every change replaces the table in one `nft -f` transaction, so removal is exact (no
// rule handles to track) and a half-applied state never exists.

export const NFT_TABLE = 'berth';

export interface FirewallNetwork {
  bridge: string;
  subnet: string;
  internal: boolean;
  /** Docker's com.docker.network.bridge.enable_ip_masquerade (default true). */
  masquerade?: boolean;
}

/** A published port also DNATed for traffic from other hosts (keeps their address). */
export interface FirewallPort {
  protocol: 'tcp' | 'udp';
  hostIp: string; // "" = every local address
  hostPort: number;
  targetIp: string;
  targetPort: number;
}

export interface FirewallState {
  networks: FirewallNetwork[];
  ports: FirewallPort[];
}

export function renderRuleset(state: FirewallState, table = NFT_TABLE): string {
  const { networks } = state;
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
    } else if (n.masquerade !== false) {
      // Outbound NAT: leaving through any interface that is not one of our bridges.
      nat.push(`ip saddr ${n.subnet} oifname != @bridges masquerade`);
    }
  }
  // Other hosts' connections to a published port go straight to the container, which
  // then sees the real client address. Local and container clients (loopback, hairpin,
  // other networks) are left to the userland proxy listening on the same port.
  const dnat = state.ports
    .filter((p) => p.hostIp === '' || p.hostIp === '::' || !p.hostIp.includes(':'))
    .sort((a, b) => a.hostPort - b.hostPort || a.protocol.localeCompare(b.protocol))
    .map((p) => {
      const daddr = ['', '0.0.0.0', '::'].includes(p.hostIp) ? 'fib daddr type local' : `ip daddr ${p.hostIp}`;
      return `iifname != @bridges iifname != "lo" ${daddr} ${p.protocol} dport ${p.hostPort} dnat to ${p.targetIp}:${p.targetPort}`;
    });
  const indent = (rules: string[]) => rules.map((r) => `    ${r}\n`).join('');
  return (
    head +
    `table ip ${table} {\n` +
    `  set bridges {\n    type ifname\n    elements = { ${bridges} }\n  }\n` +
    `  chain forward {\n    type filter hook forward priority filter; policy accept;\n${indent(forward)}  }\n` +
    `  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n${indent(dnat)}  }\n` +
    `  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n${indent(nat)}  }\n` +
    `}\n`
  );
}
