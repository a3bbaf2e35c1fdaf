// Names containers answer to, per network. A query is resolved in the networks the
// asking container shares (found from its source address), the network the query
// arrived on first. Several containers with one name (replicas, a shared alias) are
// all returned, rotated on every answer for round-robin.

interface Entry {
  ip: string;
  names: string[];
}

export class DnsRecords {
  private readonly byNetwork = new Map<string, Map<string, Entry>>();
  private readonly rotation = new Map<string, number>();

  set(networkId: string, containerId: string, ip: string, names: string[]): void {
    let net = this.byNetwork.get(networkId);
    if (!net) this.byNetwork.set(networkId, (net = new Map()));
    net.set(containerId, { ip, names: names.map((n) => n.toLowerCase()) });
  }

  delete(networkId: string, containerId: string): void {
    this.byNetwork.get(networkId)?.delete(containerId);
  }

  deleteNetwork(networkId: string): void {
    this.byNetwork.delete(networkId);
  }

  /** Networks to search for a query from `sourceIp` arriving on `networkId`. */
  scope(networkId: string, sourceIp: string): string[] {
    const arrival = this.byNetwork.get(networkId);
    const asker = arrival && [...arrival].find(([, e]) => e.ip === sourceIp)?.[0];
    if (!asker) return [networkId];
    const out = [networkId];
    for (const [id, net] of this.byNetwork) if (id !== networkId && net.has(asker)) out.push(id);
    return out;
  }

  /** IPv4 addresses for `name`, rotated; empty when no shared network knows the name. */
  lookup(networkId: string, sourceIp: string, name: string): string[] {
    const wanted = name.toLowerCase().replace(/\.$/, '');
    for (const id of this.scope(networkId, sourceIp)) {
      const ips: string[] = [];
      for (const e of this.byNetwork.get(id)?.values() ?? []) if (e.names.includes(wanted)) ips.push(e.ip);
      if (ips.length === 0) continue;
      const key = `${id}/${wanted}`;
      const turn = this.rotation.get(key) ?? 0;
      this.rotation.set(key, turn + 1);
      const k = turn % ips.length;
      return [...ips.slice(k), ...ips.slice(0, k)];
    }
    return [];
  }

  /** The first name of the container holding `ip` in a shared network (for PTR). */
  reverse(networkId: string, sourceIp: string, ip: string): string | undefined {
    for (const id of this.scope(networkId, sourceIp)) {
      for (const e of this.byNetwork.get(id)?.values() ?? []) if (e.ip === ip && e.names[0]) return e.names[0];
    }
    return undefined;
  }
}
