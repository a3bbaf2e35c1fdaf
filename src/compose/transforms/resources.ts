import { resolveHostPath } from './paths.js';
import { stringMapping } from './mappings.js';
import { invalidAt, isRecord, scalarString, toBoolean, type Transform, type TransformContext } from './transform.js';

// Top-level networks / volumes / secrets / configs: each gets its engine-side name
// (<project>_<key>, or the key itself when external), labels as maps, file paths absolute.

type Entry = Record<string, unknown>;

function named(v: unknown, ctx: TransformContext): Entry {
  const key = String(ctx.path[ctx.path.length - 1]);
  const out: Entry = isRecord(v) ? { ...v } : {};
  const ext = out.external;
  // Legacy `external: {name: x}` means external with that name.
  if (isRecord(ext)) {
    if (out.name !== undefined && ext.name !== undefined) {
      throw invalidAt(ctx.path, 'cannot use both external.name (deprecated) and name');
    }
    if (ext.name !== undefined) out.name = scalarString(ext.name);
    out.external = true;
  } else if (ext !== undefined) {
    if (toBoolean(ext, [...ctx.path, 'external'])) out.external = true;
    else delete out.external;
  }
  if (out.name === undefined) out.name = out.external === true ? key : `${ctx.projectName}_${key}`;
  if (out.labels !== undefined) out.labels = stringMapping(out.labels, { ...ctx, path: [...ctx.path, 'labels'] });
  if (isRecord(out.driver_opts)) out.driver_opts = stringMapping(out.driver_opts, { ...ctx, path: [...ctx.path, 'driver_opts'] });
  return out;
}

/** Key order as compose-go's NetworkConfig prints it; ipam is always present. */
export const network: Transform = (v, ctx) => {
  const out = named(v, ctx);
  const ordered: Entry = { name: out.name };
  for (const key of ['driver', 'driver_opts']) if (out[key] !== undefined) ordered[key] = out[key];
  ordered.ipam = out.ipam ?? {};
  for (const flag of ['internal', 'attachable', 'enable_ipv4', 'enable_ipv6']) {
    if (out[flag] !== undefined) out[flag] = toBoolean(out[flag], [...ctx.path, flag]);
  }
  return { ...ordered, ...out, ipam: ordered.ipam };
};

export const volume: Transform = named;

export const fileObject: Transform = (v, ctx) => {
  const out = named(v, ctx);
  if (typeof out.file === 'string') out.file = resolveHostPath(out.file, ctx);
  return out;
};
