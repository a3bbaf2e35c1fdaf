import { parseCidr, type Cidr } from './cidr.js';
import { run } from './exec.js';

// What the host already routes or has addresses in: IPAM never picks a pool that
// overlaps these (Docker's rule), so a new bridge cannot shadow a LAN or VPN route.

interface RouteJson {
  dst?: string;
}
interface AddrJson {
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

export function subnetsFromRoutes(routes: RouteJson[]): Cidr[] {
  const out: Cidr[] = [];
  for (const r of routes) {
    if (!r.dst || r.dst === 'default') continue;
    const text = r.dst.includes('/') ? r.dst : `${r.dst}/32`;
    try {
      out.push(parseCidr(text, true));
    } catch {
      // not IPv4 (ip -4 should prevent this); nothing to avoid
    }
  }
  return out;
}

export function subnetsFromAddrs(links: AddrJson[]): Cidr[] {
  const out: Cidr[] = [];
  for (const link of links) {
    for (const a of link.addr_info ?? []) {
      if (a.family !== 'inet' || !a.local || a.prefixlen === undefined) continue;
      out.push(parseCidr(`${a.local}/${a.prefixlen}`, true));
    }
  }
  return out;
}

export async function hostSubnets(): Promise<Cidr[]> {
  const [routes, addrs] = await Promise.all([run('ip', ['-4', '-j', 'route', 'show', 'table', 'all']), run('ip', ['-4', '-j', 'addr', 'show'])]);
  return [...subnetsFromRoutes(JSON.parse(routes || '[]') as RouteJson[]), ...subnetsFromAddrs(JSON.parse(addrs || '[]') as AddrJson[])];
}
