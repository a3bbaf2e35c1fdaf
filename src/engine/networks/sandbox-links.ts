import { randomBytes } from 'node:crypto';

// How endpoints are wired into a sandbox: berth-netcfg's link arguments, or the `ip -batch`
// lines that do the same where berth-netcfg is not built. The namespace side creates
// the veth pair from inside the sandbox and pushes the peer out to berthd's own network
// namespace (by PID), so the host side only has to be enslaved to the bridge.

export interface LinkPlan {
  ifname: string;
  hostVeth: string;
  mac: string;
  cidr: string; // "172.18.0.2/16"
  bridge: string;
  /** Set on the endpoint that carries the sandbox's default route. */
  defaultGateway?: string;
  /** com.docker.network.driver.mtu of the network, on both ends of the pair. */
  mtu?: number;
}

/** A veth pair not yet an endpoint (a pooled sandbox's eth0): down, no address inside. */
export type BareVeth = Pick<LinkPlan, 'ifname' | 'hostVeth' | 'bridge' | 'mtu'>;

/** berth-netcfg's LINK argument (netcfg.c): IFNAME,HOSTVETH,BRIDGE,MTU[,MAC,ADDRESS/PREFIX[,GATEWAY]]. */
export function netcfgLink(l: BareVeth | LinkPlan): string {
  const fields = [l.ifname, l.hostVeth, l.bridge, String(l.mtu ?? 0)];
  if ('mac' in l) {
    fields.push(l.mac, l.cidr);
    if (l.defaultGateway) fields.push(l.defaultGateway);
  }
  return fields.join(',');
}

/** The namespace-side `ip -batch` lines of a bare veth: made, with its peer pushed out to `hostPid`'s namespace. */
export function bareLines(v: BareVeth, hostPid: number): string[] {
  const m = v.mtu ? ` mtu ${v.mtu}` : '';
  return [`link add ${v.ifname}${m} type veth peer name ${v.hostVeth}${m} netns ${hostPid}`];
}

export function hostVethName(): string {
  return `veth${randomBytes(4).toString('hex').slice(0, 7)}`;
}

export function namespaceLines(links: LinkPlan[], hostPid: number, withLoopback: boolean): string[] {
  const lines = withLoopback ? ['link set lo up'] : [];
  for (const l of links) {
    lines.push(
      l.mtu
        ? `link add ${l.ifname} mtu ${l.mtu} address ${l.mac} type veth peer name ${l.hostVeth} mtu ${l.mtu} netns ${hostPid}`
        : `link add ${l.ifname} address ${l.mac} type veth peer name ${l.hostVeth} netns ${hostPid}`,
      `addr add ${l.cidr} dev ${l.ifname}`,
      `link set ${l.ifname} up`,
    );
  }
  for (const l of links) if (l.defaultGateway) lines.push(`route replace default via ${l.defaultGateway} dev ${l.ifname}`);
  return lines;
}

/** Inside a namespace made ahead of time (sandbox-pool.ts): its eth0 exists, down, without an address. */
export function pooledLines(l: LinkPlan): string[] {
  const lines = [`link set ${l.ifname} address ${l.mac}`, `addr add ${l.cidr} dev ${l.ifname}`, `link set ${l.ifname} up`];
  if (l.defaultGateway) lines.push(`route replace default via ${l.defaultGateway} dev ${l.ifname}`);
  return lines;
}

export function hostLines(links: BareVeth[]): string[] {
  return links.map((l) => `link set ${l.hostVeth} master ${l.bridge} up`);
}

/** The first free ethN name given those in use. */
export function nextIfname(used: Iterable<string>): string {
  const taken = new Set(used);
  for (let i = 0; ; i++) if (!taken.has(`eth${i}`)) return `eth${i}`;
}
