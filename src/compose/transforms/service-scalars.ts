import { invalidAt, isRecord, scalarString, toByteSize, toDuration, toNumber, type Transform } from './transform.js';

// Small per-field transforms: numbers, byte sizes, durations, ulimits, devices.

export const number: Transform = (v, ctx) => toNumber(v, ctx.path);

export const byteSize: Transform = (v, ctx) => {
  // memswap_limit: -1 means unlimited swap and is kept as such.
  if (v === -1 || v === '-1') return '-1';
  return toByteSize(v, ctx.path);
};

export const duration: Transform = (v, ctx) => toDuration(v, ctx.path);

export const stringList: Transform = (v) => (Array.isArray(v) ? v.map(scalarString) : v);

/** `nofile: 1024` means soft and hard limits of 1024. */
export const ulimits: Transform = (v, ctx) => {
  if (!isRecord(v)) throw invalidAt(ctx.path, 'must be a mapping');
  const out: Record<string, { soft: number; hard: number }> = {};
  for (const [name, limit] of Object.entries(v)) {
    const path = [...ctx.path, name];
    if (isRecord(limit)) out[name] = { soft: toNumber(limit.soft, [...path, 'soft']), hard: toNumber(limit.hard, [...path, 'hard']) };
    else {
      const n = toNumber(limit, path);
      out[name] = { soft: n, hard: n };
    }
  }
  return out;
};

/** devices: "/dev/a[:/dev/b[:rwm]]" → {source, target, permissions}. */
export const devices: Transform = (v, ctx) => {
  if (!Array.isArray(v)) throw invalidAt(ctx.path, 'must be a list');
  return v.map((item, i) => {
    if (isRecord(item)) return item;
    const parts = scalarString(item).split(':');
    const [source = '', second, third] = parts;
    if (source === '' || parts.length > 3) throw invalidAt([...ctx.path, i], `is an invalid device "${scalarString(item)}"`);
    // "/dev/a:rwm": a second part made only of r/w/m letters is permissions, not a target.
    if (parts.length === 2 && second !== undefined && /^[rwm]+$/.test(second)) return { source, target: source, permissions: second };
    return { source, target: second ?? source, permissions: third ?? 'rwm' };
  });
};

/** logging.options values are strings. */
export const logging: Transform = (v, ctx) => {
  if (!isRecord(v)) throw invalidAt(ctx.path, 'must be a mapping');
  if (!isRecord(v.options)) return v;
  const options: Record<string, string | null> = {};
  for (const [k, x] of Object.entries(v.options)) options[k] = x === null ? null : scalarString(x);
  return { ...v, options };
};
