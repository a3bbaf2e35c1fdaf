import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { BerthError, conflict, forbidden, invalid } from '../../errors.js';
import type { EndpointRequest, EndpointSettings, IpamConfig, NetworkCreateRequest, NetworkRecord, NetworkService, PortBinding, Sandbox } from '../types.js';
import { deleteLink, linkExists } from './bridge.js';
import { parseCidr, type Cidr } from './cidr.js';
import { IPAM_LOCK, withHostLock } from './host-lock.js';
import { hostSubnets } from './host-routes.js';
import { describePlan, planSubnet } from './ipam.js';
import { NetworkContext, type NetworkServiceOptions } from './network-context.js';
import { matchesFilters } from './network-filters.js';
import { OPT_BRIDGE_NAME, validateOptions } from './network-options.js';
import { toRecord } from './network-record.js';
import { isMounted, removeNetns } from './netns.js';
import { openPortProxies } from './port-proxy.js';
import { missingPredefined } from './predefined.js';
import { SandboxManager } from './sandbox-manager.js';
import type { NetworkState } from './state.js';

export type { NetworkServiceOptions } from './network-context.js';

// The bridge network driver behind the engine's NetworkService contract. State is
// loaded (and the kernel side reconciled) once, on first use or by restore().

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export class BridgeNetworkService implements NetworkService {
  private readonly ctx: NetworkContext;
  private readonly sandboxes: SandboxManager;
  private loading: Promise<void> | undefined;
  private closed = false;

  constructor(options: NetworkServiceOptions) {
    this.ctx = new NetworkContext(options);
    this.sandboxes = new SandboxManager(this.ctx);
  }

  async create(req: NetworkCreateRequest): Promise<NetworkRecord> {
    await this.ready();
    const name = req.Name;
    if (typeof name !== 'string' || !NAME.test(name)) throw invalid(`invalid network name ${JSON.stringify(name)}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const driver = req.Driver ?? 'bridge';
    if (driver !== 'bridge') throw invalid(`network driver ${driver} is not supported: berth creates bridge networks only`);
    if (req.IPAM?.Driver && req.IPAM.Driver !== 'default') throw invalid(`IPAM driver ${req.IPAM.Driver} is not supported`);
    validateOptions(req.Options ?? {});
    const bridgeOption = req.Options?.[OPT_BRIDGE_NAME];
    const ipv4 = (req.IPAM?.Config ?? []).filter((c) => !c.Subnet?.includes(':') && !c.Gateway?.includes(':'));
    if (ipv4.length > 1) throw invalid('at most one IPv4 IPAM config per network is supported');
    // Host-wide: from reading the routes to the subnet being on a bridge (host-lock.ts).
    return withHostLock(IPAM_LOCK, async () => {
      const host = ipv4[0]?.Subnet ? [] : await hostSubnets();
      const n = this.register(req, name, ipv4[0], bridgeOption, host);
      try {
        await this.ctx.ensureLive(n);
        await this.ctx.saveNetwork(n);
      } catch (err) {
        this.ctx.networks.delete(n.id);
        await this.ctx.tearDown(n).catch(() => undefined);
        await this.ctx.saveNetwork(n).catch(() => undefined);
        throw err;
      }
      return toRecord(n);
    });
  }

  /** Plan and record a new network; synchronous, so concurrent creates see each other. */
  private register(req: NetworkCreateRequest, name: string, ipam: IpamConfig | undefined, bridgeOption: string | undefined, host: Cidr[]): NetworkState {
    if (this.findByName(name)) throw conflict(`network with name ${name} already exists`);
    const ours = [...this.ctx.networks.values()].flatMap((n) => (n.subnet ? [parseCidr(n.subnet)] : []));
    const plan = describePlan(planSubnet(ipam, ours, host));
    const id = randomBytes(32).toString('hex');
    const bridge = bridgeOption ?? `br-${id.slice(0, 12)}`;
    if ([...this.ctx.networks.values()].some((n) => n.bridge === bridge) || (bridgeOption !== undefined && linkExists(bridge))) {
      throw conflict(`bridge ${bridge} is already in use`);
    }
    const n: NetworkState = {
      version: 1,
      id,
      name,
      created: new Date().toISOString(),
      driver: 'bridge',
      internal: req.Internal === true,
      attachable: req.Attachable === true,
      enableIPv6: false,
      labels: { ...(req.Labels ?? {}) },
      options: { ...(req.Options ?? {}) },
      ipamOptions: { ...(req.IPAM?.Options ?? {}) },
      predefined: false,
      bridge,
      subnet: plan.Subnet,
      gateway: plan.Gateway,
      ...(plan.IPRange ? { ipRange: plan.IPRange } : {}),
      dnsNames: true,
      endpoints: {},
    };
    this.ctx.networks.set(id, n);
    return n;
  }

  async list(filters?: Record<string, string[]>): Promise<NetworkRecord[]> {
    await this.ready();
    return [...this.ctx.networks.values()].filter((n) => matchesFilters(n, filters)).map(toRecord);
  }

  async inspect(idOrName: string): Promise<NetworkRecord> {
    await this.ready();
    return toRecord(this.ctx.find(idOrName));
  }

  async remove(idOrName: string): Promise<void> {
    await this.ready();
    const n = this.ctx.find(idOrName);
    if (n.predefined) throw forbidden(`${n.name} is a pre-defined network and cannot be removed`); // 403, as dockerd
    const attached = Object.values(n.endpoints).map((e) => e.containerName);
    // 403 as dockerd's (libnetwork's ActiveEndpointsError is a Forbidden one)
    if (attached.length > 0) throw forbidden(`error while removing network: network ${n.name} id ${n.id} has active endpoints (${attached.join(', ')})`);
    this.ctx.networks.delete(n.id);
    this.ctx.records.deleteNetwork(n.id);
    await this.ctx.tearDown(n);
    await this.ctx.saveNetwork(n);
  }

  async prune(filters?: Record<string, string[]>): Promise<string[]> {
    await this.ready();
    const removed: string[] = [];
    for (const n of [...this.ctx.networks.values()]) {
      if (n.predefined || Object.keys(n.endpoints).length > 0 || !matchesFilters(n, filters)) continue;
      await this.remove(n.id);
      removed.push(n.name);
    }
    return removed;
  }

  async createSandbox(containerId: string, containerName: string, endpoints: EndpointRequest[], ports: PortBinding[], opts: { configureLater?: boolean } = {}): Promise<Sandbox> {
    await this.ready();
    return this.sandboxes.create(containerId, containerName, endpoints, ports, opts);
  }

  async connect(containerId: string, endpoint: EndpointRequest): Promise<EndpointSettings> {
    await this.ready();
    return this.sandboxes.connect(containerId, endpoint);
  }

  async disconnect(containerId: string, networkIdOrName: string): Promise<void> {
    await this.ready();
    return this.sandboxes.disconnect(containerId, networkIdOrName);
  }

  async removeSandbox(containerId: string, opts: { deferKernel?: boolean } = {}): Promise<{ id: string; name: string }[]> {
    await this.ready();
    return this.sandboxes.remove(containerId, opts.deferKernel ?? false);
  }

  /** Namespaces ready in the network's warm pool (tests, diagnostics). */
  async pooled(idOrName: string): Promise<number> {
    await this.ready();
    return this.ctx.pool.count(this.ctx.find(idOrName).id);
  }

  /** The sandbox as created (for the engine after a restart); undefined if none. */
  async sandbox(containerId: string): Promise<Sandbox | undefined> {
    await this.ready();
    const s = this.ctx.sandboxes.get(containerId);
    return s && this.sandboxes.describe(s);
  }

  restore(): Promise<void> {
    return this.ready();
  }

  hasSandbox(containerId: string): boolean {
    return this.ctx.sandboxes.has(containerId);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.loading?.catch(() => undefined);
    await Promise.all([this.ctx.background.drain(), this.ctx.pool.close()]);
    await this.ctx.releaseIdlePredefined().catch(() => undefined);
    await this.ctx.stopListeners();
    // Bridges removed meanwhile (or just now) are unlisted: their `ip` may still be waiting.
    await this.ctx.linkDeletes.drain();
  }

  private ready(): Promise<void> {
    if (this.closed) return Promise.reject(new BerthError('unavailable', 'the network service is closed'));
    this.loading ??= this.load();
    return this.loading;
  }

  /**
   * Namespace files no sandbox owns: a berthd that died while a released sandbox's
   * namespace was going (deferred removal). Unmounting ends the namespace, and the
   * kernel takes its veth pair with it.
   */
  private async clearOrphanNamespaces(mountinfo: string): Promise<void> {
    const owned = new Set([...this.ctx.sandboxes.values()].map((s) => s.netnsPath));
    const files = await readdir(this.ctx.netnsDir).catch(() => [] as string[]);
    await Promise.all(
      files
        .map((f) => path.join(this.ctx.netnsDir, f))
        .filter((f) => !owned.has(f))
        .map(async (f) => {
          if (isMounted(f, mountinfo)) await removeNetns(f);
          else await rm(f, { force: true });
        }),
    );
  }

  private findByName(name: string): NetworkState | undefined {
    return [...this.ctx.networks.values()].find((n) => n.name === name);
  }

  // Reload state and bring the kernel and listeners in line with it: bridges of live
  // networks (recreated if a reboot removed them), DNS responders and records, port
  // proxies, the firewall. Sandboxes whose namespace is gone are dropped.
  private async load(): Promise<void> {
    const stored = await this.ctx.loadNetworks();
    for (const n of stored) this.ctx.networks.set(n.id, n);
    if (!stored.some((n) => n.predefined && n.name === 'bridge')) {
      const taken = [...stored.flatMap((n) => (n.subnet ? [parseCidr(n.subnet)] : [])), ...(await hostSubnets())];
      for (const n of missingPredefined(stored, taken, this.ctx.defaultBridge)) {
        this.ctx.networks.set(n.id, n);
        await this.ctx.saveNetwork(n);
      }
    }
    const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
    for (const s of await this.ctx.loadSandboxes()) {
      if (isMounted(s.netnsPath, mountinfo)) this.ctx.sandboxes.set(s.containerId, s);
      else {
        await this.ctx.saveSandbox(s.containerId); // not in the map: deletes the stale file
        await rm(s.netnsPath, { force: true }); // the bind-mount target left behind
      }
    }
    await this.clearOrphanNamespaces(mountinfo);
    for (const n of this.ctx.networks.values()) {
      let changed = false;
      for (const e of Object.values(n.endpoints)) {
        if (this.ctx.sandboxes.has(e.containerId)) continue;
        delete n.endpoints[e.containerId];
        await deleteLink(e.hostVeth);
        changed = true;
      }
      if (changed) await this.ctx.saveNetwork(n);
    }
    const live = [...this.ctx.networks.values()].filter((n) => n.driver === 'bridge' && (!n.predefined || Object.keys(n.endpoints).length > 0));
    // One broken network must not keep berthd from starting: say which and go on.
    const results = await Promise.allSettled(live.map((n) => this.ctx.ensureLive(n)));
    results.forEach((r, i) => {
      if (r.status === 'rejected') console.error(`berthd: cannot restore network ${live[i]?.name ?? '?'}: ${(r.reason as Error).message}`);
    });
    for (const n of this.ctx.networks.values()) {
      if (!n.dnsNames) continue;
      for (const e of Object.values(n.endpoints)) this.ctx.records.set(n.id, e.containerId, e.ip, e.dnsNames);
    }
    for (const s of this.ctx.sandboxes.values()) {
      const first = this.ctx.networks.get(s.networks[0] ?? '')?.endpoints[s.containerId];
      if (!first || s.ports.length === 0) continue;
      try {
        this.ctx.proxies.set(s.containerId, await openPortProxies(s.ports, first.ip));
      } catch (err) {
        // The port was taken while berthd was down: the container runs on, unpublished.
        console.error(`berthd: cannot republish ports of ${s.containerName}: ${(err as Error).message}`);
      }
    }
    // Once, with every network and port known (also clears a table a crash left behind).
    await this.ctx.firewall.apply();
  }
}
