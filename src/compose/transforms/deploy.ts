import { stringMapping } from './mappings.js';
import { invalidAt, isRecord, toByteSize, toDuration, toNumber, type Transform, type TransformContext } from './transform.js';

// services.*.deploy: numbers cast, memory sizes as byte strings, durations as Go prints them.

type Entry = Record<string, unknown>;

function resource(v: unknown, ctx: TransformContext): Entry | undefined {
  if (!isRecord(v)) return undefined;
  const out: Entry = { ...v };
  if (v.cpus !== undefined) out.cpus = toNumber(v.cpus, [...ctx.path, 'cpus']);
  if (v.memory !== undefined) out.memory = toByteSize(v.memory, [...ctx.path, 'memory']);
  if (v.pids !== undefined) out.pids = toNumber(v.pids, [...ctx.path, 'pids']);
  if (Array.isArray(v.devices)) out.devices = v.devices.map((d, i) => deviceRequest(d, { ...ctx, path: [...ctx.path, 'devices', i] }));
  return out;
}

export function deviceRequest(v: unknown, ctx: TransformContext): Entry {
  if (!isRecord(v)) throw invalidAt(ctx.path, 'must be a mapping');
  const out: Entry = { ...v };
  // "count: all" means every device, which compose-go stores as -1.
  if (v.count === 'all') out.count = -1;
  else if (v.count !== undefined) out.count = toNumber(v.count, [...ctx.path, 'count']);
  if (v.options !== undefined) out.options = stringMapping(v.options, { ...ctx, path: [...ctx.path, 'options'] });
  return out;
}

function withDurations(v: unknown, keys: string[], ctx: TransformContext): Entry | undefined {
  if (!isRecord(v)) return undefined;
  const out: Entry = { ...v };
  for (const key of keys) if (v[key] !== undefined) out[key] = toDuration(v[key], [...ctx.path, key]);
  for (const key of ['parallelism', 'max_attempts', 'max_failure_ratio']) {
    if (v[key] !== undefined) out[key] = toNumber(v[key], [...ctx.path, key]);
  }
  return out;
}

export const deploy: Transform = (v, ctx) => {
  if (v === null) return undefined;
  if (!isRecord(v)) throw invalidAt(ctx.path, 'must be a mapping');
  const at = (...keys: string[]): TransformContext => ({ ...ctx, path: [...ctx.path, ...keys] });
  const out: Entry = { ...v };
  if (v.replicas !== undefined) out.replicas = toNumber(v.replicas, at('replicas').path);
  if (v.labels !== undefined) out.labels = stringMapping(v.labels, at('labels'));
  if (isRecord(v.resources)) {
    const res: Entry = { ...v.resources };
    const limits = resource(v.resources.limits, at('resources', 'limits'));
    const reservations = resource(v.resources.reservations, at('resources', 'reservations'));
    if (limits !== undefined) res.limits = limits;
    if (reservations !== undefined) res.reservations = reservations;
    out.resources = res;
  }
  const restart = withDurations(v.restart_policy, ['delay', 'window'], at('restart_policy'));
  if (restart !== undefined) out.restart_policy = restart;
  for (const key of ['update_config', 'rollback_config']) {
    const cfg = withDurations(v[key], ['delay', 'monitor'], at(key));
    if (cfg !== undefined) out[key] = cfg;
  }
  return out;
};

/** gpus: "all" → every device; otherwise a list of device requests. */
export const gpus: Transform = (v, ctx) => {
  if (v === 'all') return [{ count: -1 }];
  if (!Array.isArray(v)) throw invalidAt(ctx.path, 'must be "all" or a list');
  return v.map((d, i) => deviceRequest(d, { ...ctx, path: [...ctx.path, i] }));
};
