import type { KeyPath } from '../errors.js';
import { resolveHostPath } from './paths.js';
import { invalidAt, isRecord, toBoolean, toByteSize, type NormalizeContext, type Transform } from './transform.js';

// services.*.volumes: short syntax `source:target:options` → long entries, as compose-go's
// ParseVolume reads it; host paths made absolute.

type Entry = Record<string, unknown>;

const PROPAGATION = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);

function isWindowsDriveColon(buffer: string): boolean {
  return buffer.length === 1 && /[a-zA-Z]/.test(buffer);
}

function isHostPath(source: string): boolean {
  if (source === '') return false;
  if (source.startsWith('.') || source.startsWith('/') || source.startsWith('~')) return true;
  return source.startsWith('\\\\') || /^[a-zA-Z]:/.test(source);
}

/** Splits on ":" except after a single drive letter ("C:\data:/data"). */
function splitVolumeSpec(spec: string): string[] {
  const parts: string[] = [];
  let buffer = '';
  for (const ch of spec) {
    if (ch === ':' && !(isWindowsDriveColon(buffer) && parts.length === 0)) {
      parts.push(buffer);
      buffer = '';
    } else {
      buffer += ch;
    }
  }
  parts.push(buffer);
  return parts;
}

export function parseVolumeSpec(spec: string, path: KeyPath, ctx: NormalizeContext): Entry {
  if (spec === '') throw invalidAt(path, 'is an empty volume spec');
  const parts = splitVolumeSpec(spec);
  if (parts.some((p) => p === '')) throw invalidAt(path, `has an empty section between colons in "${spec}"`);
  if (parts.length > 3) throw invalidAt(path, `has too many colons in "${spec}"`);
  // One part is an anonymous volume at that target.
  const [source, target, options] = parts.length === 1 ? ['', parts[0] ?? '', undefined] : [parts[0] ?? '', parts[1] ?? '', parts[2]];
  let readOnly = false;
  const bind: Entry = {};
  let nocopy = false;
  for (const opt of options?.split(',') ?? []) {
    if (opt === 'ro') readOnly = true;
    else if (opt === 'rw') readOnly = false;
    else if (opt === 'nocopy') nocopy = true;
    else if (opt === 'z' || opt === 'Z') bind.selinux = opt;
    else if (PROPAGATION.has(opt)) bind.propagation = opt;
    // Compose ignores options it does not know (consistency flags such as "cached").
  }
  const entry: Entry = {};
  if (source.startsWith('\\\\.\\pipe\\')) {
    Object.assign(entry, { type: 'npipe', source, target });
  } else if (isHostPath(source)) {
    Object.assign(entry, { type: 'bind', source: resolveHostPath(source, ctx), target });
  } else {
    entry.type = 'volume';
    if (source !== '') entry.source = source;
    entry.target = target;
  }
  if (readOnly) entry.read_only = true;
  if (entry.type === 'bind') entry.bind = { ...bind, create_host_path: true };
  if (entry.type === 'volume') entry.volume = nocopy ? { nocopy: true } : {};
  return entry;
}

function longVolume(item: Entry, path: KeyPath, ctx: NormalizeContext): Entry {
  const entry: Entry = { ...item };
  if (entry.type === 'bind' && typeof entry.source === 'string') entry.source = resolveHostPath(entry.source, ctx);
  if (entry.read_only !== undefined) {
    if (toBoolean(entry.read_only, [...path, 'read_only'])) entry.read_only = true;
    else delete entry.read_only;
  }
  if (isRecord(entry.bind) && entry.bind.create_host_path !== undefined) {
    entry.bind = { ...entry.bind, create_host_path: toBoolean(entry.bind.create_host_path, [...path, 'bind', 'create_host_path']) };
  }
  if (isRecord(entry.tmpfs) && entry.tmpfs.size !== undefined) {
    entry.tmpfs = { ...entry.tmpfs, size: toByteSize(entry.tmpfs.size, [...path, 'tmpfs', 'size']) };
  }
  if (isRecord(entry.tmpfs) && typeof entry.tmpfs.mode === 'string') {
    entry.tmpfs = { ...entry.tmpfs, mode: parseInt(entry.tmpfs.mode, 8) };
  }
  return entry;
}

export const serviceVolumes: Transform = (v, ctx) => {
  if (!Array.isArray(v)) throw invalidAt(ctx.path, 'must be a list');
  return v.map((item, i) => {
    const path = [...ctx.path, i];
    if (typeof item === 'string') return parseVolumeSpec(item, path, ctx);
    if (isRecord(item)) return longVolume(item, path, ctx);
    throw invalidAt(path, 'must be a string or mapping');
  });
};
