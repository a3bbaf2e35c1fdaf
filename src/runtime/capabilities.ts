// Capability set arithmetic with Docker's semantics: start from Docker's 14 defaults, drop
// what cap_drop names, add what cap_add names; "ALL" in either list means every capability.
// Names are accepted with or without the CAP_ prefix, in any case, as Docker does.
import { invalid } from '../errors.js';

/** Every capability of Linux 6.x, in kernel number order (0 … 40 = CAP_LAST_CAP). */
export const ALL_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
  'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** Docker's default set (moby oci/caps), in Docker's order. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

const KNOWN = new Set(ALL_CAPABILITIES);

/** "net_admin" / "NET_ADMIN" / "CAP_NET_ADMIN" → "CAP_NET_ADMIN"; "all" → "ALL"; unknown → BerthError invalid. */
export function normalizeCapability(name: string, field = 'capability'): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL' || upper === 'CAP_ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!KNOWN.has(full)) throw invalid(`${field}: unknown capability "${name}"`);
  return full;
}

/**
 * The resulting capability list, in kernel number order. Docker's order of operations:
 * with ALL in cap_add everything is added (then cap_drop still removes); with ALL in
 * cap_drop the set starts empty and only cap_add's names remain. "Everything" is
 * `available` when given: the capabilities this host can grant (a daemon whose bounding
 * set lacks one cannot hand it on; the runtime would fail with EPERM).
 */
export function computeCapabilities(opts: { capAdd?: string[]; capDrop?: string[]; privileged?: boolean; available?: readonly string[] }): string[] {
  const add = (opts.capAdd ?? []).map((c) => normalizeCapability(c, 'cap_add'));
  const drop = (opts.capDrop ?? []).map((c) => normalizeCapability(c, 'cap_drop'));
  const everything = opts.available ? ALL_CAPABILITIES.filter((c) => opts.available?.includes(c)) : ALL_CAPABILITIES;
  if (opts.privileged) return [...everything];
  const set = new Set<string>(drop.includes('ALL') ? [] : DEFAULT_CAPABILITIES);
  if (add.includes('ALL')) for (const c of everything) set.add(c);
  else for (const c of add) set.add(c);
  if (!drop.includes('ALL')) for (const c of drop) if (!add.includes(c)) set.delete(c);
  return ALL_CAPABILITIES.filter((c) => set.has(c));
}

/** Capability names from a /proc/<pid>/status hex mask (e.g. CapBnd). */
export function capabilitiesFromMask(hex: string): string[] {
  const mask = BigInt(`0x${hex.trim()}`);
  return ALL_CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}
