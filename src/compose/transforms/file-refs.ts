import path from 'node:path';
import { invalidAt, isRecord, scalarString, type Transform } from './transform.js';

// services.*.secrets / services.*.configs: short names → {source, target}. Secrets land in
// /run/secrets/<name>, configs at /<name>, as the engine mounts them; a relative target is
// placed under that directory too.

export function fileReferences(baseDir: string): Transform {
  return (v, ctx) => {
    if (!Array.isArray(v)) throw invalidAt(ctx.path, 'must be a list');
    return v.map((item, i) => {
      if (typeof item === 'string') return { source: item, target: path.posix.join(baseDir, item) };
      if (!isRecord(item) || typeof item.source !== 'string') throw invalidAt([...ctx.path, i], 'must name a source');
      const out: Record<string, unknown> = { ...item };
      const target = item.target === undefined ? item.source : scalarString(item.target);
      out.target = target.startsWith('/') ? target : path.posix.join(baseDir, target);
      if (item.uid !== undefined) out.uid = scalarString(item.uid);
      if (item.gid !== undefined) out.gid = scalarString(item.gid);
      // A mode written as a string ("0440") is octal too, like the plain 0440 the parser reads.
      if (typeof item.mode === 'string') out.mode = parseInt(item.mode, 8);
      return out;
    });
  };
}

export const serviceSecrets = fileReferences('/run/secrets/');
export const serviceConfigs = fileReferences('/');
