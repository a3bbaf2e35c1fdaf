import { existsSync } from 'node:fs';
import type { Background } from '../background.js';
import { ipBatch, run } from './exec.js';
import { macFromIpv4 } from './mac.js';
import { whenGone } from './netns.js';

// One Linux bridge per network, named like Docker's (br-<first 12 of the ID>), with the
// gateway address on it. Ensuring is idempotent so restore() can call it after a reboot.

export function bridgeName(networkId: string): string {
  return `br-${networkId.slice(0, 12)}`;
}

export function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

export async function ensureBridge(name: string, gatewayCidr: string, mtu?: number): Promise<void> {
  const lines: string[] = [];
  // A fixed MAC (derived from the gateway, as containers' are from theirs): a bridge
  // left to itself takes the lowest MAC of its ports and changes it when that port
  // goes, leaving every container's ARP entry for the gateway stale for ~30 s.
  if (!linkExists(name)) lines.push(`link add ${name}${mtu ? ` mtu ${mtu}` : ''} address ${macFromIpv4(gatewayCidr.split('/')[0] ?? '')} type bridge`);
  lines.push(`addr replace ${gatewayCidr} dev ${name}`, `link set ${name} up`);
  await ipBatch(lines);
}

export async function deleteLink(name: string): Promise<void> {
  if (!linkExists(name)) return;
  try {
    await run('ip', ['link', 'del', name]);
  } catch (err) {
    if (linkExists(name)) throw err; // gone meanwhile is fine
  }
}

/**
 * Delete a link and resolve once it has left /sys/class/net: the kernel unlists it at once
 * (~1.5 ms here for a bridge), while `ip` waits ~50–65 ms more for the device's last
 * references before it exits. That wait goes on as `background` work (close() drains it).
 */
export async function deleteLinkUnlisted(name: string, background: Background): Promise<void> {
  if (!linkExists(name)) return;
  const del = deleteLink(name);
  background.run(`link:${name}`, () => del.catch(() => undefined));
  await Promise.race([del, whenGone([name], 10_000).then((left) => (left.length > 0 ? del : undefined))]);
}
