import { parseIpv4 } from './cidr.js';

// Docker derives a container's MAC from its IPv4 address: 02:42 (locally administered)
// followed by the four address bytes, so a MAC is stable for an address and unique per
// network without bookkeeping.
export function macFromIpv4(ip: string): string {
  const value = parseIpv4(ip);
  const bytes = [0x02, 0x42, value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
