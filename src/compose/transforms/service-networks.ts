import { invalidAt, isRecord, scalarString, type Transform } from './transform.js';

// services.*.networks: list → map of null; a service without networks (and without
// network_mode) joins the project's "default" network.

export const serviceNetworks: Transform = (v, ctx) => {
  if (Array.isArray(v)) return Object.fromEntries(v.map((n) => [scalarString(n), null]));
  if (!isRecord(v)) throw invalidAt(ctx.path, 'must be a list or a mapping');
  const out: Record<string, unknown> = {};
  for (const [name, cfg] of Object.entries(v)) {
    if (!isRecord(cfg) || Object.keys(cfg).length === 0) {
      out[name] = null;
      continue;
    }
    const entry: Record<string, unknown> = { ...cfg };
    if (cfg.aliases !== undefined) entry.aliases = (cfg.aliases as unknown[]).map(scalarString);
    out[name] = entry;
  }
  return out;
};

/** Runs on each service as a whole, because the default depends on network_mode. */
export const defaultServiceNetwork: Transform = (svc) => {
  if (!isRecord(svc) || svc.networks !== undefined || svc.network_mode !== undefined) return svc;
  return { ...svc, networks: { default: null } };
};
