import { invalid } from '../../errors.js';

// IPv4 arithmetic on unsigned 32-bit numbers: the only address family berth's bridge
// networks use (EnableIPv6 is accepted and ignored, see README.md).

export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw invalid(`invalid IPv4 address: ${text}`);
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) throw invalid(`invalid IPv4 address: ${text}`);
    const octet = Number(part);
    if (octet > 255) throw invalid(`invalid IPv4 address: ${text}`);
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parse "a.b.c.d/n"; host bits must be zero unless `loose` (then they are cleared). */
export function parseCidr(text: string, loose = false): Cidr {
  const [addr, len, extra] = text.split('/');
  if (addr === undefined || len === undefined || extra !== undefined || !/^\d{1,2}$/.test(len)) {
    throw invalid(`invalid CIDR: ${text}`);
  }
  const prefix = Number(len);
  if (prefix > 32) throw invalid(`invalid CIDR prefix: ${text}`);
  const ip = parseIpv4(addr);
  const base = (ip & maskOf(prefix)) >>> 0;
  if (!loose && base !== ip) throw invalid(`invalid CIDR ${text}: host bits set (did you mean ${formatCidr({ base, prefix })}?)`);
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIpv4(c.base)}/${c.prefix}`;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function lastAddress(c: Cidr): number {
  return c.base + size(c) - 1;
}

export function contains(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip <= lastAddress(c);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base <= lastAddress(b) && b.base <= lastAddress(a);
}

/** b lies entirely inside a. */
export function within(a: Cidr, b: Cidr): boolean {
  return b.base >= a.base && lastAddress(b) <= lastAddress(a);
}
