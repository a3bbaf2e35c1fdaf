import { resolveHostPath } from './paths.js';
import { invalidAt, isRecord, scalarString, toBoolean, type Transform } from './transform.js';

// services.*.env_file: string, list of strings or long entries → [{path, required, format?}]
// with absolute paths. Reading the files is the load phase's job.

export const envFile: Transform = (v, ctx) => {
  const items = Array.isArray(v) ? v : [v];
  return items.map((item, i) => {
    const path = [...ctx.path, i];
    if (typeof item === 'string') return { path: resolveHostPath(item, ctx), required: true };
    if (!isRecord(item) || item.path === undefined) throw invalidAt(path, 'must be a path or {path, required, format}');
    const entry: Record<string, unknown> = {
      path: resolveHostPath(scalarString(item.path), ctx),
      required: item.required === undefined ? true : toBoolean(item.required, [...path, 'required']),
    };
    if (item.format !== undefined) entry.format = item.format;
    return entry;
  });
};
