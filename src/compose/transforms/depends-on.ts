import { invalidAt, isRecord, toBoolean, type Transform } from './transform.js';

// services.*.depends_on: list → map; defaults condition service_started, required true.
// `restart` is printed only when true, as compose-go omits a false one.

export const dependsOn: Transform = (v, ctx) => {
  const out: Record<string, Record<string, unknown>> = {};
  if (Array.isArray(v)) {
    for (const name of v) out[String(name)] = { condition: 'service_started', required: true };
    return out;
  }
  if (!isRecord(v)) throw invalidAt(ctx.path, 'must be a list or a mapping');
  for (const [name, raw] of Object.entries(v)) {
    const dep = isRecord(raw) ? raw : {};
    const path = [...ctx.path, name];
    const entry: Record<string, unknown> = { condition: dep.condition ?? 'service_started' };
    if (dep.restart !== undefined && toBoolean(dep.restart, [...path, 'restart'])) entry.restart = true;
    entry.required = dep.required === undefined ? true : toBoolean(dep.required, [...path, 'required']);
    for (const [k, x] of Object.entries(dep)) if (k.startsWith('x-')) entry[k] = x;
    out[name] = entry;
  }
  return out;
};
