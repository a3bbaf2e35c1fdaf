import { conflict, invalid, unavailable } from '../../errors.js';
import type { IpamConfig } from '../types.js';
import { contains, formatCidr, formatIpv4, lastAddress, overlaps, parseCidr, parseIpv4, within, type Cidr } from './cidr.js';

// Address management, pure: which subnet a new network gets and which address an
// endpoint gets. The caller supplies what is already taken (our networks, host routes
// and addresses), so the same function serves create, restore and tests.

/** Docker's default address pools: 172.17–172.31 as /16s, then 192.168.0.0/16 in /20s. */
export function defaultCandidates(): Cidr[] {
  const out: Cidr[] = [];
  for (let second = 17; second <= 31; second++) out.push({ base: parseIpv4(`172.${second}.0.0`), prefix: 16 });
  const base = parseIpv4('192.168.0.0');
  for (let i = 0; i < 16; i++) out.push({ base: base + i * 4096, prefix: 20 });
  return out;
}

export interface SubnetPlan {
  subnet: Cidr;
  gateway: number;
  /** Where dynamic addresses come from (the whole subnet unless IPRange was given). */
  range: Cidr;
}

export function pickSubnet(taken: Cidr[], candidates: Cidr[] = defaultCandidates()): Cidr {
  const free = candidates.find((c) => !taken.some((t) => overlaps(c, t)));
  if (!free) throw unavailable('no free address pool left for a new network: all default pools overlap existing networks or host routes');
  return free;
}

/**
 * Decide a network's subnet, gateway and range. An explicit subnet may not overlap one of
 * our networks (`ours`); a picked one also avoids what the host routes (`hostTaken`).
 */
export function planSubnet(config: IpamConfig | undefined, ours: Cidr[], hostTaken: Cidr[]): SubnetPlan {
  if (!config?.Subnet) {
    if (config?.Gateway || config?.IPRange) throw invalid('IPAM Gateway and IPRange need a Subnet');
    const subnet = pickSubnet([...ours, ...hostTaken]);
    return { subnet, gateway: subnet.base + 1, range: subnet };
  }
  const subnet = parseCidr(config.Subnet, true);
  if (subnet.prefix > 30) throw invalid(`subnet ${config.Subnet} is too small: at most /30`);
  const clash = ours.find((o) => overlaps(o, subnet));
  if (clash) throw conflict(`subnet ${formatCidr(subnet)} overlaps the subnet ${formatCidr(clash)} of another network`);
  let gateway = subnet.base + 1;
  if (config.Gateway) {
    gateway = parseIpv4(config.Gateway);
    if (!isHostAddress(subnet, gateway)) throw invalid(`gateway ${config.Gateway} is not a usable address in ${formatCidr(subnet)}`);
  }
  let range = subnet;
  if (config.IPRange) {
    range = parseCidr(config.IPRange, true);
    if (!within(subnet, range)) throw invalid(`ip range ${config.IPRange} is not inside subnet ${formatCidr(subnet)}`);
  }
  return { subnet, gateway, range };
}

export function isHostAddress(subnet: Cidr, ip: number): boolean {
  return contains(subnet, ip) && ip !== subnet.base && ip !== lastAddress(subnet);
}

/**
 * The address for a new endpoint: the requested one if free (conflict otherwise), else the
 * lowest free host address in the range. `used` holds numbers already assigned.
 */
export function allocateAddress(plan: SubnetPlan, used: ReadonlySet<number>, requested?: string): number {
  if (requested) {
    const ip = parseIpv4(requested);
    if (!isHostAddress(plan.subnet, ip)) throw invalid(`address ${requested} is not a usable address in ${formatCidr(plan.subnet)}`);
    if (ip === plan.gateway) throw conflict(`address ${requested} is the network's gateway`);
    if (used.has(ip)) throw conflict(`address ${requested} is already in use on this network`);
    return ip;
  }
  const first = Math.max(plan.range.base, plan.subnet.base + 1);
  const last = Math.min(lastAddress(plan.range), lastAddress(plan.subnet) - 1);
  for (let ip = first; ip <= last; ip++) {
    if (ip !== plan.gateway && !used.has(ip)) return ip;
  }
  throw unavailable(`no free address left in ${formatCidr(plan.range)}`);
}

export function describePlan(plan: SubnetPlan): { Subnet: string; Gateway: string; IPRange?: string } {
  const out: { Subnet: string; Gateway: string; IPRange?: string } = { Subnet: formatCidr(plan.subnet), Gateway: formatIpv4(plan.gateway) };
  if (plan.range.base !== plan.subnet.base || plan.range.prefix !== plan.subnet.prefix) out.IPRange = formatCidr(plan.range);
  return out;
}
