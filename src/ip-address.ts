// IP address syntax as Go's net.ParseIP reads it (what docker and compose-go check a port's
// host IP with): IPv4 as four decimal octets without leading zeros, IPv6 as eight groups of
// up to four hex digits, one `::` for a run of zero groups, the last 32 bits optionally as
// IPv4; no zone. Pure: the compose pipeline and the CLI use it without loading node:net.

export function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIpv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const [head = [], tail = []] = halves.map((h) => (h === '' ? [] : h.split(':')));
  // Embedded IPv4 only as the address's last part.
  const last = (halves.length === 2 ? tail : head).at(-1);
  const v4 = last !== undefined && last.includes('.');
  if (v4 && !isIpv4(last)) return false;
  const groups = [...head, ...tail].slice(0, v4 ? -1 : undefined);
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const size = groups.length + (v4 ? 2 : 0);
  return halves.length === 2 ? size <= 7 : size === 8;
}

export function isIpAddress(text: string): boolean {
  return isIpv4(text) || isIpv6(text);
}
