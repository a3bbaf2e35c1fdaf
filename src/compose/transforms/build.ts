import { isRemoteContext, resolveHostPath } from './paths.js';
import { extraHosts, mappingWithEquals, stringMapping } from './mappings.js';
import { fileReferences } from './file-refs.js';
import { invalidAt, isRecord, scalarString, toByteSize, type Transform, type TransformContext } from './transform.js';

// services.*.build: string → {context, dockerfile}; contexts made absolute unless remote.

function context(raw: unknown, ctx: TransformContext): string {
  const c = raw === undefined || raw === null ? '.' : scalarString(raw);
  return isRemoteContext(c) ? c : resolveHostPath(c, ctx);
}

/** Additional contexts may be paths, images (docker-image://) or URLs. */
function additionalContexts(v: unknown, ctx: TransformContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(stringMapping(v, ctx) as Record<string, string>)) {
    out[name] = isRemoteContext(value) || /^[a-z-]+:/.test(value) ? value : resolveHostPath(value, ctx);
  }
  return out;
}

export const build: Transform = (v, ctx) => {
  if (typeof v === 'string') return { context: context(v, ctx), dockerfile: 'Dockerfile' };
  if (!isRecord(v)) throw invalidAt(ctx.path, 'must be a string or a mapping');
  const at = (key: string): TransformContext => ({ ...ctx, path: [...ctx.path, key] });
  const out: Record<string, unknown> = { ...v, context: context(v.context, ctx) };
  if (v.dockerfile === undefined && v.dockerfile_inline === undefined) out.dockerfile = 'Dockerfile';
  if (v.args !== undefined) out.args = mappingWithEquals(v.args, at('args'));
  if (v.labels !== undefined) out.labels = stringMapping(v.labels, at('labels'));
  if (v.extra_hosts !== undefined) out.extra_hosts = extraHosts(v.extra_hosts, at('extra_hosts'));
  if (v.additional_contexts !== undefined) out.additional_contexts = additionalContexts(v.additional_contexts, at('additional_contexts'));
  if (v.shm_size !== undefined) out.shm_size = toByteSize(v.shm_size, at('shm_size').path);
  if (v.secrets !== undefined) out.secrets = fileReferences('/run/secrets/')(v.secrets, at('secrets'));
  if (isRecord(v.ssh)) out.ssh = Object.entries(v.ssh).map(([k, p]) => (p === null ? k : `${k}=${scalarString(p)}`));
  return out;
};
