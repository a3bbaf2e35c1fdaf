import { createHash } from 'node:crypto';
import { Background } from '../background.js';
import { SandboxPool } from './sandbox-pool.js';
import path from 'node:path';
import { conflict, notFound, unavailable } from '../../errors.js';
import { deleteLink, deleteLinkUnlisted, ensureBridge, linkExists } from './bridge.js';
import { formatCidr, formatIpv4, overlaps, parseCidr } from './cidr.js';
import { hostUpstreams, type Upstream } from './dns-forward.js';
import { DnsRecords } from './dns-records.js';
import { DnsResponder } from './dns-responder.js';
import { Firewall } from './firewall.js';
import type { FirewallNetwork, FirewallPort, FirewallState } from './firewall-ruleset.js';
import { JsonFiles } from './json-files.js';
import { IPAM_LOCK, withHostLock } from './host-lock.js';
import { hostSubnets } from './host-routes.js';
import { pickSubnet } from './ipam.js';
import { KeyedLock } from './keyed-lock.js';
import { masqueradeOf, mtuOf } from './network-options.js';
import { prefixOf } from './network-record.js';
import type { PortProxy } from './port-proxy.js';
import type { NetworkState, SandboxState } from './state.js';

// The shared state of the network service: networks and sandboxes in memory and on
// disk, and the live kernel/listener side of each bridge network (bridge, DNS
// responder, firewall). A bridge network is "live" while its bridge should exist:
// user networks from create to remove, the predefined `bridge` from its first container
// until berthd stops (then only if containers still use it: an idle host keeps no berth0).

export interface NetworkServiceOptions {
  /** BERTH_ROOT: state goes to <root>/networks. */
  root: string;
  /** BERTH_RUN: sandboxes' netns files go to <runDir>/netns. */
  runDir: string;
  /** Where unanswered DNS queries go; default: the host's /etc/resolv.conf. */
  dnsUpstreams?: Upstream[];
  /** Namespaces with their veth made ahead of time per bridge network in use (default 0: none). */
  sandboxPool?: number;
}

export class NetworkContext {
  readonly networks = new Map<string, NetworkState>();
  readonly sandboxes = new Map<string, SandboxState>();
  readonly proxies = new Map<string, PortProxy[]>();
  readonly records = new DnsRecords();
  readonly netnsDir: string;
  /** Namespaces and veths of released sandboxes, going in the background (keyed by container). */
  readonly background = new Background();
  /** `ip link del` of bridges already unlisted, still waiting for their last references (bridge.ts). */
  readonly linkDeletes = new Background();
  /** Their addresses, per network: not handed out again until the veth is gone. */
  readonly held = new Map<string, Map<string, string>>();
  /** Namespaces and veths made ahead of time (sandbox-pool.ts). */
  readonly pool: SandboxPool;
  private readonly responders = new Map<string, DnsResponder>();
  private readonly live = new Set<string>();
  private readonly networkFiles: JsonFiles<NetworkState>;
  private readonly sandboxFiles: JsonFiles<SandboxState>;
  private readonly locks = new KeyedLock();
  readonly firewall: Firewall;
  /** nft table and default bridge names: berth's own for the default root, per-root otherwise. */
  readonly tableName: string;
  readonly defaultBridge: string;

  constructor(readonly options: NetworkServiceOptions) {
    const dir = path.join(options.root, 'networks');
    this.networkFiles = new JsonFiles(dir);
    this.sandboxFiles = new JsonFiles(path.join(dir, 'sandboxes'));
    this.netnsDir = path.join(options.runDir, 'netns');
    // Several berthd instances (tests with private roots) must not rewrite each other's
    // table or share a default bridge, so non-default roots get names of their own.
    const tag = createHash('sha256').update(path.resolve(options.root)).digest('hex').slice(0, 8);
    const isDefault = path.resolve(options.root) === '/var/lib/berth';
    this.tableName = isDefault ? 'berth' : `berth-${tag}`;
    this.defaultBridge = isDefault ? 'berth0' : `berth-${tag}`;
    this.firewall = new Firewall(() => this.firewallState(), this.tableName);
    this.pool = new SandboxPool(this.netnsDir, options.sandboxPool ?? 0, (n) => this.live.has(n.id) && this.networks.get(n.id) === n);
  }

  upstreams = (): Upstream[] => this.options.dnsUpstreams ?? hostUpstreams();

  loadNetworks(): Promise<NetworkState[]> {
    return this.networkFiles.loadAll();
  }

  loadSandboxes(): Promise<SandboxState[]> {
    return this.sandboxFiles.loadAll();
  }

  /** By full ID, exact name, or unique ID prefix (Docker's lookup order). */
  find(idOrName: string): NetworkState {
    const byId = this.networks.get(idOrName);
    if (byId) return byId;
    const all = [...this.networks.values()];
    const byName = all.find((n) => n.name === idOrName);
    if (byName) return byName;
    const byPrefix = idOrName.length > 0 ? all.filter((n) => n.id.startsWith(idOrName)) : [];
    if (byPrefix.length === 1 && byPrefix[0]) return byPrefix[0];
    if (byPrefix.length > 1) throw conflict(`network ${idOrName} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
    throw notFound(`network ${idOrName} not found`);
  }

  saveNetwork(n: NetworkState): Promise<void> {
    return this.networkFiles.save(n.id, () => this.networks.get(n.id));
  }

  saveSandbox(containerId: string): Promise<void> {
    return this.sandboxFiles.save(containerId, () => this.sandboxes.get(containerId));
  }

  /**
   * Bridge up with its gateway, DNS responder listening, firewall covering it. The
   * firewall rules name the bridge and do not need it to exist: they are written while
   * the bridge comes up (nft alone takes ~15 ms here, most of it the kernel's RCU wait
   * for the replaced table), so network create waits for the slower of the two.
   */
  ensureLive(n: NetworkState): Promise<void> {
    return this.locks.run(n.id, async () => {
      if (this.live.has(n.id) || n.driver !== 'bridge' || !n.bridge || !n.gateway) return;
      const bridge = n.bridge;
      const existed = linkExists(bridge);
      let responder: DnsResponder | undefined;
      const bridgeUp = async (): Promise<void> => {
        if (n.predefined && !existed) {
          // The default bridge's subnet was only written down, not routed: check it (and
          // move it while nobody holds an address in it) under the host-wide IPAM lock.
          await withHostLock(IPAM_LOCK, async () => {
            await this.refreshIdleSubnet(n);
            await ensureBridge(bridge, `${n.gateway}/${prefixOf(n.subnet)}`, mtuOf(n));
          });
        } else {
          await ensureBridge(bridge, `${n.gateway}/${prefixOf(n.subnet)}`, mtuOf(n));
        }
        // Made here, after a move of the subnet: it listens on the gateway as it is now.
        const gateway = n.gateway;
        if (!gateway) throw new Error(`network ${n.name} lost its gateway`); // set above; a move sets another
        responder = new DnsResponder(n.id, gateway, this.records, this.upstreams);
        await responder.start().catch((err: NodeJS.ErrnoException) => {
          throw unavailable(`cannot start the DNS responder of network ${n.name} on ${n.gateway}:53: ${err.message}${err.code === 'EADDRINUSE' ? ' (another DNS server listens on all addresses?)' : ''}`, err);
        });
        this.responders.set(n.id, responder);
      };
      // A predefined network may move its subnet in bridgeUp: its rules wait for that.
      const movable = n.predefined && !existed;
      this.live.add(n.id);
      const results = await Promise.allSettled(movable ? [bridgeUp().then(() => this.firewall.apply())] : [bridgeUp(), this.firewall.apply()]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        this.live.delete(n.id);
        this.responders.delete(n.id);
        await responder?.stop();
        // Only a bridge made here goes: one found (restore) may carry live containers.
        if (!existed) await deleteLink(bridge);
        // Rules written for it go again (a failed apply left the previous table in place).
        await this.firewall.apply().catch(() => undefined);
        throw failed.reason;
      }
    });
  }

  private async refreshIdleSubnet(n: NetworkState): Promise<void> {
    if (Object.keys(n.endpoints).length > 0 || !n.subnet) return;
    const host = await hostSubnets();
    const current = parseCidr(n.subnet);
    if (!host.some((h) => overlaps(h, current))) return;
    const ours = [...this.networks.values()].flatMap((o) => (o.id !== n.id && o.subnet ? [parseCidr(o.subnet)] : []));
    const subnet = pickSubnet([...ours, ...host]);
    n.subnet = formatCidr(subnet);
    n.gateway = formatIpv4(subnet.base + 1);
    await this.saveNetwork(n);
  }

  /**
   * berthd is stopping: an idle predefined bridge goes (an idle host keeps nothing), one
   * with containers stays for the restarted berthd. While berthd runs it stays up: taking
   * it down at each last container and back up at the next cost ~40 ms per start and
   * ~80 ms per removal (bridge, DNS responder, firewall rewrite).
   */
  async releaseIdlePredefined(): Promise<void> {
    const idle = [...this.networks.values()].filter((n) => n.predefined && this.live.has(n.id) && Object.keys(n.endpoints).length === 0);
    await Promise.all(idle.map((n) => this.locks.run(n.id, async () => {
      if (Object.keys(n.endpoints).length === 0) await this.tearDownNow(n);
    })));
  }

  tearDown(n: NetworkState): Promise<void> {
    return this.locks.run(n.id, () => this.tearDownNow(n));
  }

  private async tearDownNow(n: NetworkState): Promise<void> {
    // Everything at once, each awaited: veths of released sandboxes and the pool (deleting
    // the bridge would not end their namespaces), the bridge, and the firewall without the
    // network (its rules name the bridge, they do not need it). Each deletion waits for the
    // kernel on its own (~10-70 ms here): one after the other was ~150 ms per network. The
    // bridge counts as gone once the kernel has unlisted it (bridge.ts).
    const responder = this.responders.get(n.id);
    this.responders.delete(n.id);
    const wasLive = this.live.delete(n.id);
    await Promise.all([
      this.background.drain(),
      this.pool.drain(n.id),
      responder?.stop(),
      n.bridge ? deleteLinkUnlisted(n.bridge, this.linkDeletes) : undefined,
      wasLive ? this.firewall.apply() : undefined,
    ]);
  }

  /** Stop listeners only (berthd shutting down: the kernel side stays for restore). */
  async stopListeners(): Promise<void> {
    const responders = [...this.responders.values()];
    this.responders.clear();
    this.live.clear();
    const proxies = [...this.proxies.values()].flat();
    this.proxies.clear();
    await Promise.all([...responders.map((r) => r.stop()), ...proxies.map((p) => p.close())]);
  }

  private firewallState(): FirewallState {
    const networks: FirewallNetwork[] = [];
    for (const n of this.networks.values()) {
      if (this.live.has(n.id) && n.bridge && n.subnet) networks.push({ bridge: n.bridge, subnet: n.subnet, internal: n.internal, masquerade: masqueradeOf(n) });
    }
    const ports: FirewallPort[] = [];
    for (const s of this.sandboxes.values()) {
      const n = this.networks.get(s.networks[0] ?? '');
      const e = n?.endpoints[s.containerId];
      // Only ports whose proxy is open (it holds the port) and on a network that may
      // be reached from outside.
      if (!n || !e || n.internal || !this.live.has(n.id) || !this.proxies.has(s.containerId)) continue;
      for (const p of s.ports) {
        if (p.protocol === 'tcp' || p.protocol === 'udp') ports.push({ protocol: p.protocol, hostIp: p.hostIp, hostPort: p.hostPort, targetIp: e.ip, targetPort: p.containerPort });
      }
    }
    return { networks, ports };
  }
}
