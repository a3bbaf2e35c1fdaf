import { existsSync } from 'node:fs';
import { ipBatch, run } from './exec.js';

// One Linux bridge per network, named like Docker's (br-<first 12 of the ID>), with the
// gateway address on it. Ensuring is idempotent so restore() can call it after a reboot.

export function bridgeName(networkId: string): string {
  return `br-${networkId.slice(0, 12)}`;
}

export function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

export async function ensureBridge(name: string, gatewayCidr: string): Promise<void> {
  const lines: string[] = [];
  if (!linkExists(name)) lines.push(`link add ${name} type bridge`);
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
