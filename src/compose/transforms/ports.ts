import { isIpAddress } from '../../ip-address.js';
import type { KeyPath } from '../errors.js';
import { invalidAt, isRecord, scalarString, toNumber, type Transform } from './transform.js';

// services.*.ports: every short form → long entries, split the way Docker's
// nat.ParsePortSpec does it (one entry per container port of a range).

export interface PortEntry {
  name?: string;
  mode: string;
  host_ip?: string;
  target: number;
  published?: string;
  protocol: string;
  app_protocol?: string;
}

function parseRange(text: string, path: KeyPath): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (m === null) throw invalidAt(path, `has an invalid port "${text}"`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start > 65535 || end > 65535 || end < start) throw invalidAt(path, `has an invalid port range "${text}"`);
  return [start, end];
}

/** "ip:host:container" where ip may itself contain colons (IPv6) or be bracketed. */
function splitSpec(spec: string): [string, string, string] {
  const parts = spec.split(':');
  const n = parts.length;
  const container = parts[n - 1] ?? '';
  if (n === 1) return ['', '', container];
  if (n === 2) return ['', parts[0] ?? '', container];
  return [parts.slice(0, n - 2).join(':'), parts[n - 2] ?? '', container];
}

export function parsePortSpec(raw: string, path: KeyPath): PortEntry[] {
  const slash = raw.lastIndexOf('/');
  const spec = slash >= 0 ? raw.slice(0, slash) : raw;
  const protocol = slash >= 0 ? raw.slice(slash + 1).toLowerCase() : 'tcp';
  if (!['tcp', 'udp', 'sctp'].includes(protocol)) throw invalidAt(path, `has an invalid protocol "${protocol}" in "${raw}"`);
  const [rawIp, hostPort, containerPort] = splitSpec(spec);
  const ip = rawIp.startsWith('[') && rawIp.endsWith(']') ? rawIp.slice(1, -1) : rawIp;
  if (ip !== '' && !isIpAddress(ip)) throw invalidAt(path, `has an invalid host IP "${rawIp}" in "${raw}"`);
  const [start, end] = parseRange(containerPort, path);
  let hostStart = 0;
  let hostEnd = 0;
  if (hostPort !== '') {
    [hostStart, hostEnd] = parseRange(hostPort, path);
    // A host range with one container port is a pool to pick from; otherwise sizes must match.
    if (end - start !== hostEnd - hostStart && end !== start) {
      throw invalidAt(path, `has container and host ranges of different sizes in "${raw}"`);
    }
  }
  const out: PortEntry[] = [];
  for (let i = 0; i <= end - start; i++) {
    const entry: PortEntry = { mode: 'ingress', target: start + i, protocol };
    if (ip !== '') entry.host_ip = ip;
    if (hostPort !== '') {
      entry.published = start === end && hostStart !== hostEnd ? `${hostStart}-${hostEnd}` : String(hostStart + i);
    }
    out.push(orderPort(entry));
  }
  return out;
}

/** Key order as compose-go's ServicePortConfig prints it. */
function orderPort(p: PortEntry): PortEntry {
  const out: Record<string, unknown> = {};
  for (const key of ['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol'] as const) {
    if (p[key] !== undefined) out[key] = p[key];
  }
  return out as unknown as PortEntry;
}

function longPort(item: Record<string, unknown>, path: KeyPath): PortEntry {
  const entry: Record<string, unknown> = { ...item };
  entry.mode = item.mode ?? 'ingress';
  entry.protocol = item.protocol ?? 'tcp';
  entry.target = toNumber(item.target, [...path, 'target']);
  if (item.published !== undefined && item.published !== null && item.published !== '') entry.published = scalarString(item.published);
  else delete entry.published;
  const ordered = orderPort(entry as unknown as PortEntry) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(item)) if (k.startsWith('x-')) ordered[k] = v;
  return ordered as unknown as PortEntry;
}

export const ports: Transform = (v, ctx) => {
  if (!Array.isArray(v)) throw invalidAt(ctx.path, 'must be a list');
  return v.flatMap((item, i) => {
    const path = [...ctx.path, i];
    if (typeof item === 'number') return parsePortSpec(String(item), path);
    if (typeof item === 'string') return parsePortSpec(item, path);
    if (isRecord(item)) return [longPort(item, path)];
    throw invalidAt(path, 'must be a string, number or mapping');
  });
};

/** expose: container ports (or ranges) as strings. */
export const expose: Transform = (v) => (Array.isArray(v) ? v.map(scalarString) : v);
