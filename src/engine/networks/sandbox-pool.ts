import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createSandboxNetns, releaseNetns } from './netns.js';
import { mtuOf } from './network-options.js';
import { hostVethName } from './sandbox-links.js';
import type { NetworkState } from './state.js';

// A few network namespaces made ahead of time per bridge network, each with its veth
// pair (eth0 inside, down and without an address; the host end on the bridge and up).
// Making one costs a new namespace, a veth pair and one berth-netcfg (~2 ms here; ~10–20 ms
// as unshare + ip + ip); taking one costs another inside it (MAC, address, up, default route).
// Refilled in the background a moment after takes (a burst is served first); removed
// when the network goes and when berthd stops, so nothing outlives them.

export interface PoolEntry {
  /** The namespace file (becomes the sandbox's netnsPath). */
  file: string;
  /** The host end, already enslaved to the bridge. */
  hostVeth: string;
  /** MTU it was made with. */
  mtu: number | undefined;
}

// After a take, the refill waits this long: for a short container, past its answer rather than
// competing with its start for the CPU (A/B here: 150 vs 50 ms, docker run --rm 116 vs 128 ms median).
const REFILL_DELAY_MS = 150;

export class SandboxPool {
  private readonly entries = new Map<string, PoolEntry[]>();
  private readonly filling = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly netnsDir: string,
    /** Entries kept per network (0: no pool). */
    private readonly size: number,
    private readonly isLive: (n: NetworkState) => boolean,
  ) {}

  /** An entry for `n`, if one is ready; a refill follows shortly. */
  take(n: NetworkState): PoolEntry | undefined {
    if (this.size <= 0 || this.closed) return undefined;
    const list = this.entries.get(n.id);
    const entry = list?.shift();
    this.schedule(n);
    if (entry && entry.mtu !== mtuOf(n)) {
      void discard(entry);
      return undefined;
    }
    return entry;
  }

  private schedule(n: NetworkState): void {
    if (this.size <= 0 || this.closed || this.timers.has(n.id)) return;
    const timer = setTimeout(() => {
      this.timers.delete(n.id);
      this.fill(n);
    }, REFILL_DELAY_MS);
    timer.unref();
    this.timers.set(n.id, timer);
  }

  private fill(n: NetworkState): void {
    if (this.filling.has(n.id)) return;
    const run = (async () => {
      let list = this.entries.get(n.id);
      if (!list) this.entries.set(n.id, (list = []));
      while (!this.closed && this.isLive(n) && list.length < this.size) {
        const entry = await make(this.netnsDir, n).catch(() => undefined);
        if (!entry) break;
        if (this.closed || !this.isLive(n) || this.entries.get(n.id) !== list) {
          await discard(entry);
          break;
        }
        list.push(entry);
      }
    })();
    this.filling.set(n.id, run);
    void run.finally(() => this.filling.delete(n.id));
  }

  /** Entries ready for `networkId` (tests, diagnostics). */
  count(networkId: string): number {
    return this.entries.get(networkId)?.length ?? 0;
  }

  /** Remove the pool of one network (it is going). */
  async drain(networkId: string): Promise<void> {
    clearTimeout(this.timers.get(networkId));
    this.timers.delete(networkId);
    const list = this.entries.get(networkId) ?? [];
    this.entries.delete(networkId);
    await this.filling.get(networkId);
    // A fill that was running saw the list gone and discarded what it made.
    await Promise.all(list.map(discard));
  }

  /** berthd stopping: every pool goes. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...new Set([...this.entries.keys(), ...this.filling.keys(), ...this.timers.keys()])].map((id) => this.drain(id)));
  }
}

async function make(netnsDir: string, n: NetworkState): Promise<PoolEntry> {
  const file = path.join(netnsDir, `pool-${randomBytes(6).toString('hex')}`);
  const hostVeth = hostVethName();
  const mtu = mtuOf(n);
  try {
    await createSandboxNetns(file, [{ ifname: 'eth0', hostVeth, bridge: n.bridge ?? '', mtu }]);
  } catch (err) {
    await discard({ file, hostVeth, mtu });
    throw err;
  }
  return { file, hostVeth, mtu };
}

async function discard(e: PoolEntry): Promise<void> {
  await releaseNetns(e.file, [e.hostVeth]).catch(() => undefined);
}
