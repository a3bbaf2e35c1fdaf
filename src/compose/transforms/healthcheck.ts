import { invalidAt, isRecord, scalarString, toBoolean, toDuration, toNumber, type Transform } from './transform.js';

// services.*.healthcheck: test string → ["CMD-SHELL", s]; `disable: true` → test ["NONE"];
// durations printed as Go durations.

const DURATIONS = ['interval', 'timeout', 'start_period', 'start_interval'] as const;

export const healthcheck: Transform = (v, ctx) => {
  if (!isRecord(v)) throw invalidAt(ctx.path, 'must be a mapping');
  if (v.disable !== undefined && toBoolean(v.disable, [...ctx.path, 'disable'])) return { test: ['NONE'] };
  const out: Record<string, unknown> = {};
  if (typeof v.test === 'string') out.test = ['CMD-SHELL', v.test];
  else if (Array.isArray(v.test)) out.test = v.test.map(scalarString);
  for (const key of ['timeout', 'interval'] as const) {
    if (v[key] !== undefined) out[key] = toDuration(v[key], [...ctx.path, key]);
  }
  if (v.retries !== undefined) out.retries = toNumber(v.retries, [...ctx.path, 'retries']);
  for (const key of DURATIONS.slice(2)) {
    if (v[key] !== undefined) out[key] = toDuration(v[key], [...ctx.path, key]);
  }
  for (const [k, x] of Object.entries(v)) if (k.startsWith('x-')) out[k] = x;
  return out;
};
