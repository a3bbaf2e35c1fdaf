import { invalid } from '../../errors.js';

// Small readers for untrusted JSON: each returns the typed value or throws a 400 that
// names the key path and what was expected. Absent and null read as undefined.

export type Obj = Record<string, unknown>;

export function obj(value: unknown, where: string): Obj | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${where} must be an object`);
  return value as Obj;
}

export function str(o: Obj | undefined, key: string, where: string): string | undefined {
  const v = o?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${where}.${key} must be a string`);
  return v;
}

export function num(o: Obj | undefined, key: string, where: string): number | undefined {
  const v = o?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`${where}.${key} must be a number`);
  return v;
}

export function bool(o: Obj | undefined, key: string, where: string): boolean | undefined {
  const v = o?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalid(`${where}.${key} must be a boolean`);
  return v;
}

export function strList(o: Obj | undefined, key: string, where: string): string[] | undefined {
  const v = o?.[key];
  if (v === undefined || v === null) return undefined;
  // Docker accepts a single string for Cmd/Entrypoint (strslice).
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalid(`${where}.${key} must be a list of strings`);
  return v as string[];
}

export function strMap(o: Obj | undefined, key: string, where: string): Record<string, string> | undefined {
  const m = obj(o?.[key], `${where}.${key}`);
  if (!m) return undefined;
  for (const [k, v] of Object.entries(m)) if (typeof v !== 'string') throw invalid(`${where}.${key}.${k} must be a string`);
  return m as Record<string, string>;
}

export function objList(o: Obj | undefined, key: string, where: string): Obj[] | undefined {
  const v = o?.[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw invalid(`${where}.${key} must be a list`);
  return v.map((x, i) => {
    const item = obj(x, `${where}.${key}[${i}]`);
    if (!item) throw invalid(`${where}.${key}[${i}] must be an object`);
    return item;
  });
}
