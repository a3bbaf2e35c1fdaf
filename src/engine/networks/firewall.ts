import { writeFile } from 'node:fs/promises';
import { hasCode } from '../../errors.js';
import { run } from './exec.js';
import { renderRuleset, type FirewallState } from './firewall-ruleset.js';
import { forwardPolicyIsDrop, syncIptablesAccept } from './iptables-accept.js';

// Applies the ruleset for the current networks. Calls are serialised and coalesced:
// whoever asks while an apply is running gets the next apply, which reads the newest
// state, so concurrent network changes never race inside nft.

export class Firewall {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private forwardingEnabled = false;
  private acceptedBridges = new Set<string>();

  constructor(
    private readonly current: () => FirewallState,
    private readonly table: string,
  ) {}

  apply(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) {
      this.running = this.applyNow().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    const after = this.running.catch(() => undefined);
    this.queued = after.then(() => {
      this.queued = undefined;
      return this.apply();
    });
    return this.queued;
  }

  private async applyNow(): Promise<void> {
    const state = this.current();
    const networks = state.networks;
    if (networks.length > 0 && !this.forwardingEnabled) {
      // Routing between bridges and the uplink needs IPv4 forwarding (Docker does the same).
      await writeFile('/proc/sys/net/ipv4/ip_forward', '1\n');
      this.forwardingEnabled = true;
    }
    const bridges = networks.map((n) => n.bridge);
    // Only when another firewall (Docker's) drops forwarded packets by default do we add
    // iptables accepts for our bridges; otherwise iptables is left untouched. Asked while
    // nft runs: a read, and nft's own run is mostly a wait for the kernel.
    const [, needed] = await Promise.all([
      run('nft', ['-f', '-'], renderRuleset(state, this.table)).catch((err: unknown) => {
        // Without networks there is nothing to remove where nft is not even installed:
        // berthd still starts; creating a network then says nft is missing.
        if (!(networks.length === 0 && hasCode(err, 'unavailable'))) throw err;
      }),
      bridges.length > 0 ? forwardPolicyIsDrop() : false,
    ]);
    this.acceptedBridges = await syncIptablesAccept(this.table, this.acceptedBridges, needed ? new Set(bridges) : new Set());
  }
}
