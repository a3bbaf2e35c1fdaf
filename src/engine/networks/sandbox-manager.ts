import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { alreadyExists, forbidden, invalid, notFound } from '../../errors.js';
import type { EndpointRequest, EndpointSettings, PortBinding, Sandbox } from '../types.js';
import { formatIpv4, parseCidr, parseIpv4 } from './cidr.js';
import { dnsNamesOf, endpointSettings } from './endpoint-settings.js';
import { allocateAddress } from './ipam.js';
import { macFromIpv4 } from './mac.js';
import type { NetworkContext } from './network-context.js';
import { addSandboxLinks, configurePooled, createSandboxNetns, deleteLinks, inNetns, releaseNetns, removeNetns } from './netns.js';
import { openPortProxies } from './port-proxy.js';
import { mtuOf } from './network-options.js';
import { hostVethName, nextIfname, type LinkPlan } from './sandbox-links.js';
import type { PoolEntry } from './sandbox-pool.js';
import type { EndpointState, NetworkState, SandboxState } from './state.js';

// Sandboxes: a container's network namespace with one veth endpoint per network.
// Addresses are reserved synchronously (no await between choosing and recording), so
// concurrent sandboxes never get the same address; every failure undoes what was done.

export class SandboxManager {
  constructor(private readonly ctx: NetworkContext) {}

  /**
   * With `configureLater`, a pooled namespace is answered before its endpoint is configured and
   * its state written (Sandbox.configured settles then): the container's creation in it
   * overlaps both. A failure of either is then the caller's to undo, with removeSandbox, as for
   * any later step of its start.
   */
  async create(containerId: string, containerName: string, requests: EndpointRequest[], ports: PortBinding[], opts: { configureLater?: boolean } = {}): Promise<Sandbox> {
    checkContainerId(containerId);
    if (this.ctx.sandboxes.has(containerId)) throw alreadyExists(`container ${containerId} already has a network sandbox`);
    // The previous run's namespace (same file) may still be going; so may the holder of an address asked for.
    await this.ctx.background.wait(containerId);
    await this.waitForHeld(requests);
    const targets = this.resolveTargets(requests);
    // Bridges up before addresses are chosen: the default bridge may still move its
    // subnet while no container holds an address in it.
    await Promise.all(targets.map(([n]) => this.ctx.ensureLive(n)));
    const sandbox: SandboxState = {
      version: 1,
      containerId,
      containerName: containerName.replace(/^\//, ''),
      netnsPath: path.join(this.ctx.netnsDir, containerId),
      networks: targets.map(([n]) => n.id),
      ports: [],
    };
    if (this.ctx.sandboxes.has(containerId)) throw alreadyExists(`container ${containerId} already has a network sandbox`);
    const reserved = this.reserve(sandbox, targets);
    this.ctx.sandboxes.set(containerId, sandbox);
    let configured: Promise<void> | undefined;
    try {
      const first = reserved[0];
      if (first && ports.length > 0) {
        const proxies = await openPortProxies(ports, first[1].ip);
        this.ctx.proxies.set(containerId, proxies);
        sandbox.ports = proxies.map((p) => p.binding);
      }
      const pooled = this.takePooled(containerId, reserved);
      if (pooled && reserved[0]) {
        // A namespace made ahead of time: one `ip -batch` inside it gives it this endpoint.
        sandbox.netnsPath = pooled.file;
        reserved[0][1].hostVeth = pooled.hostVeth;
      }
      const links = this.linkPlans(reserved, true);
      const firstLink = links[0];
      const kernel = pooled && firstLink ? configurePooled(pooled.file, firstLink) : createSandboxNetns(sandbox.netnsPath, links);
      // The state files are written while the tools run (a failure of either is undone below,
      // once both are over; with configureLater, by the caller).
      const persisted = this.persist(sandbox, reserved.map(([n]) => n));
      if (pooled && opts.configureLater) {
        configured = Promise.all([kernel, persisted]).then(() => undefined);
        configured.catch(() => undefined); // the caller's to await (and undo); not unhandled meanwhile
      } else {
        const results = await Promise.allSettled([kernel, persisted]);
        for (const r of results) if (r.status === 'rejected') throw r.reason;
      }
    } catch (err) {
      await this.undo(sandbox, reserved);
      throw err;
    }
    for (const [n, e] of reserved) if (n.dnsNames) this.ctx.records.set(n.id, containerId, e.ip, e.dnsNames);
    if (sandbox.ports.length > 0) await this.ctx.firewall.apply(); // DNAT for the new ports
    return configured ? { ...this.describe(sandbox), configured } : this.describe(sandbox);
  }

  async connect(containerId: string, request: EndpointRequest): Promise<EndpointSettings> {
    const sandbox = this.ctx.sandboxes.get(containerId);
    if (!sandbox) throw notFound(`container ${containerId} has no network sandbox`);
    const [target] = this.resolveTargets([request]);
    if (!target) throw invalid('no network given');
    const n = target[0];
    if (n.endpoints[containerId]) throw forbidden(`endpoint with name ${sandbox.containerName} already exists in network ${n.name}`);
    const hadDefault = sandbox.networks.some((id) => this.ctx.networks.get(id)?.internal === false);
    const reserved = this.reserve(sandbox, [target]);
    try {
      await this.ctx.ensureLive(n);
      const links = this.linkPlans(reserved, !hadDefault);
      await addSandboxLinks(sandbox.netnsPath, links);
      sandbox.networks.push(n.id);
      await this.persist(sandbox, [n]);
    } catch (err) {
      await deleteLinks(reserved.map(([, e]) => e.hostVeth));
      await this.undoEndpoints(reserved);
      throw err;
    }
    const e = reserved[0]?.[1];
    if (!e) throw invalid('no endpoint reserved');
    if (n.dnsNames) this.ctx.records.set(n.id, containerId, e.ip, e.dnsNames);
    return endpointSettings(n, e);
  }

  async disconnect(containerId: string, networkIdOrName: string): Promise<void> {
    const n = this.ctx.find(networkIdOrName);
    const e = n.endpoints[containerId];
    if (!e) throw notFound(`container ${containerId} is not connected to network ${n.name}`);
    const sandbox = this.ctx.sandboxes.get(containerId);
    await deleteLinks([e.hostVeth]);
    this.ctx.records.delete(n.id, containerId);
    delete n.endpoints[containerId];
    if (sandbox) {
      const wasFirst = sandbox.networks[0] === n.id;
      sandbox.networks = sandbox.networks.filter((id) => id !== n.id);
      await this.followRemainingNetworks(sandbox, n, wasFirst);
    }
    await this.ctx.saveNetwork(n);
    if (sandbox) await this.ctx.saveSandbox(containerId);
  }

  // Leaving the network that carried the default route or the published ports: the
  // next remaining (non-internal) network takes them over, as Docker does.
  private async followRemainingNetworks(sandbox: SandboxState, left: NetworkState, wasFirst: boolean): Promise<void> {
    const remaining = sandbox.networks.flatMap((id) => {
      const n = this.ctx.networks.get(id);
      const e = n?.endpoints[sandbox.containerId];
      return n && e ? [[n, e] as const] : [];
    });
    // The first remaining non-internal network is the right carrier whichever one left,
    // so replacing the route with it is a no-op unless the carrier was the one leaving.
    const routed = remaining.find(([n]) => !n.internal);
    if (!left.internal && routed) {
      const [n, e] = routed;
      await inNetns(sandbox.netnsPath, ['ip', 'route', 'replace', 'default', 'via', n.gateway ?? '', 'dev', e.ifname], '').catch(() => undefined);
    }
    const proxies = this.ctx.proxies.get(sandbox.containerId);
    if (!wasFirst || !proxies) return;
    this.ctx.proxies.delete(sandbox.containerId);
    await Promise.all(proxies.map((p) => p.close()));
    const first = remaining[0];
    if (first) {
      // Same host ports, new target; if one was taken meanwhile the ports stay closed.
      const reopened = await openPortProxies(sandbox.ports, first[1].ip).catch(() => undefined);
      if (reopened) this.ctx.proxies.set(sandbox.containerId, reopened);
    }
    await this.ctx.firewall.apply();
  }

  /** Resolves with the networks the container left. */
  async remove(containerId: string, deferKernel = false): Promise<{ id: string; name: string }[]> {
    checkContainerId(containerId);
    const sandbox = this.ctx.sandboxes.get(containerId);
    if (!sandbox) {
      // Nothing recorded: still clear a namespace file a crashed create may have left.
      await this.ctx.background.wait(containerId);
      await removeNetns(path.join(this.ctx.netnsDir, containerId));
      return [];
    }
    const reserved: [NetworkState, EndpointState][] = [];
    for (const n of this.ctx.networks.values()) {
      const e = n.endpoints[containerId];
      if (e) reserved.push([n, e]);
    }
    await this.undo(sandbox, reserved, deferKernel);
    return reserved.map(([n]) => ({ id: n.id, name: n.name }));
  }

  /** A pooled namespace for a one-network sandbox (not when a crash left this container's own file). */
  private takePooled(containerId: string, reserved: [NetworkState, EndpointState][]): PoolEntry | undefined {
    const only = reserved.length === 1 ? reserved[0] : undefined;
    if (!only || only[1].ifname !== 'eth0' || existsSync(path.join(this.ctx.netnsDir, containerId))) return undefined;
    return this.ctx.pool.take(only[0]);
  }

  /** Requested addresses still held by a sandbox whose veth is going: wait for it to go. */
  private async waitForHeld(requests: EndpointRequest[]): Promise<void> {
    for (const r of requests) {
      if (!r.ipv4Address) continue;
      const n = this.ctx.networks.get(r.networkId) ?? [...this.ctx.networks.values()].find((x) => x.name === r.networkId);
      const holder = n && this.ctx.held.get(n.id)?.get(r.ipv4Address);
      if (holder !== undefined) await this.ctx.background.wait(holder);
    }
  }

  describe(sandbox: SandboxState): Sandbox {
    const endpoints: Record<string, EndpointSettings> = {};
    const dnsServers: string[] = [];
    for (const id of sandbox.networks) {
      const n = this.ctx.networks.get(id);
      const e = n?.endpoints[sandbox.containerId];
      if (!n || !e) continue;
      endpoints[n.name] = endpointSettings(n, e);
      if (dnsServers.length === 0 && n.gateway) dnsServers.push(n.gateway);
    }
    return { containerId: sandbox.containerId, netnsPath: sandbox.netnsPath, endpoints, ports: sandbox.ports, dnsServers };
  }

  private resolveTargets(requests: EndpointRequest[]): [NetworkState, EndpointRequest][] {
    const seen = new Set<string>();
    return requests.map((r) => {
      const n = this.ctx.find(r.networkId);
      if (n.driver !== 'bridge') throw invalid(`network ${n.name} (driver ${n.driver}) takes no endpoints: the engine handles it without a sandbox`);
      if (seen.has(n.id)) throw invalid(`network ${n.name} is listed twice`);
      seen.add(n.id);
      return [n, r];
    });
  }

  /** Choose addresses and record the endpoints, all before the first await. */
  private reserve(sandbox: SandboxState, targets: [NetworkState, EndpointRequest][]): [NetworkState, EndpointState][] {
    const done: [NetworkState, EndpointState][] = [];
    const ifnames = new Set<string>();
    for (const id of sandbox.networks) {
      const ifname = this.ctx.networks.get(id)?.endpoints[sandbox.containerId]?.ifname;
      if (ifname) ifnames.add(ifname);
    }
    try {
      for (const [n, r] of targets) {
        if (this.ctx.networks.get(n.id) !== n) throw notFound(`network ${n.name} was removed`);
        if (!n.subnet || !n.gateway) throw invalid(`network ${n.name} has no subnet`);
        const subnet = parseCidr(n.subnet);
        const plan = { subnet, gateway: parseIpv4(n.gateway), range: n.ipRange ? parseCidr(n.ipRange) : subnet };
        const used = new Set([...Object.values(n.endpoints).map((e) => e.ip), ...(this.ctx.held.get(n.id)?.keys() ?? [])].map(parseIpv4));
        const ip = formatIpv4(allocateAddress(plan, used, r.ipv4Address));
        const ifname = nextIfname(ifnames);
        ifnames.add(ifname);
        const e: EndpointState = {
          containerId: sandbox.containerId,
          containerName: sandbox.containerName,
          endpointId: randomBytes(32).toString('hex'),
          ip,
          mac: macFromIpv4(ip),
          aliases: r.aliases.map((a) => a.replace(/^\//, '')),
          dnsNames: dnsNamesOf(sandbox.containerId, sandbox.containerName, r.aliases),
          ifname,
          hostVeth: hostVethName(),
        };
        n.endpoints[sandbox.containerId] = e;
        done.push([n, e]);
      }
    } catch (err) {
      for (const [n] of done) delete n.endpoints[sandbox.containerId];
      throw err;
    }
    return done;
  }

  private linkPlans(reserved: [NetworkState, EndpointState][], wantDefaultRoute: boolean): LinkPlan[] {
    let routed = !wantDefaultRoute;
    return reserved.map(([n, e]) => {
      const plan: LinkPlan = { ifname: e.ifname, hostVeth: e.hostVeth, mac: e.mac, cidr: `${e.ip}/${n.subnet?.split('/')[1] ?? '32'}`, bridge: n.bridge ?? '' };
      const mtu = mtuOf(n);
      if (mtu) plan.mtu = mtu;
      // The default route goes via the first network that is not internal.
      if (!routed && !n.internal && n.gateway) {
        plan.defaultGateway = n.gateway;
        routed = true;
      }
      return plan;
    });
  }

  private async persist(sandbox: SandboxState, networks: NetworkState[]): Promise<void> {
    await Promise.all([this.ctx.saveSandbox(sandbox.containerId), ...networks.map((n) => this.ctx.saveNetwork(n))]);
  }

  /**
   * Remove everything of a sandbox: proxies, veths, netns, endpoints, records, files. With
   * `deferKernel` the veths and netns go in the background, their addresses held until then.
   */
  private async undo(sandbox: SandboxState, reserved: [NetworkState, EndpointState][], deferKernel = false): Promise<void> {
    const proxies = this.ctx.proxies.get(sandbox.containerId) ?? [];
    this.ctx.proxies.delete(sandbox.containerId);
    await Promise.all(proxies.map((p) => p.close()));
    // The namespace's end takes its veths with it (netns.ts): no deletion per link.
    const kernel = (): Promise<unknown> => releaseNetns(sandbox.netnsPath, reserved.map(([, e]) => e.hostVeth));
    if (deferKernel) this.releaseLater(sandbox.containerId, reserved, kernel);
    else await kernel();
    this.ctx.sandboxes.delete(sandbox.containerId);
    await this.ctx.saveSandbox(sandbox.containerId);
    await this.undoEndpoints(reserved);
    if (proxies.length > 0) await this.ctx.firewall.apply(); // its DNAT rules go
  }

  private releaseLater(containerId: string, reserved: [NetworkState, EndpointState][], kernel: () => Promise<unknown>): void {
    const holds = reserved.map(([n, e]) => {
      let m = this.ctx.held.get(n.id);
      if (!m) this.ctx.held.set(n.id, (m = new Map()));
      m.set(e.ip, containerId);
      return [n.id, e.ip] as const;
    });
    this.ctx.background.run(containerId, async () => {
      try {
        await kernel();
      } finally {
        for (const [id, ip] of holds) {
          const m = this.ctx.held.get(id);
          if (m?.get(ip) === containerId) m.delete(ip);
          if (m?.size === 0) this.ctx.held.delete(id);
        }
      }
    });
  }

  private async undoEndpoints(reserved: [NetworkState, EndpointState][]): Promise<void> {
    for (const [n, e] of reserved) {
      if (n.endpoints[e.containerId] !== e) continue;
      delete n.endpoints[e.containerId];
      this.ctx.records.delete(n.id, e.containerId);
    }
    await Promise.all(reserved.map(([n]) => this.ctx.saveNetwork(n)));
  }
}

// The ID names the netns file: it must stay a plain file name inside <runDir>/netns.
function checkContainerId(id: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(id)) throw invalid(`invalid container ID for a network sandbox: ${JSON.stringify(id)}`);
}
