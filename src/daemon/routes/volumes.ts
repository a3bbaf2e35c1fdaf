import type { Engine } from '../../engine/engine.js';
import { obj, str, strMap } from '../../engine/containers/wire-check.js';
import { invalid } from '../../errors.js';
import { parseFilters, queryBool } from '../filters.js';
import { Reply, type Router } from '../router.js';

// /volumes: list, create, inspect, remove, prune (the local driver).

export function registerVolumeRoutes(router: Router, engine: Engine): void {
  const volumes = engine.volumes;

  router.get('/volumes', async (ctx) => ({ Volumes: await volumes.list(parseFilters(ctx.query.get('filters'))), Warnings: [] }));

  router.post('/volumes/create', async (ctx) => {
    const body = obj(await ctx.json(), 'body') ?? {};
    const req: { Name?: string; Driver?: string; DriverOpts?: Record<string, string>; Labels?: Record<string, string> } = {};
    const name = str(body, 'Name', 'VolumeCreate');
    const driver = str(body, 'Driver', 'VolumeCreate');
    const opts = strMap(body, 'DriverOpts', 'VolumeCreate');
    const labels = strMap(body, 'Labels', 'VolumeCreate');
    if (name !== undefined) req.Name = name;
    if (driver !== undefined) req.Driver = driver;
    if (opts !== undefined) req.DriverOpts = opts;
    if (labels !== undefined) req.Labels = labels;
    return new Reply(201, await volumes.create(req));
  });

  router.post('/volumes/prune', async (ctx) => volumes.prune(parseFilters(ctx.query.get('filters'))));

  router.get('/volumes/:name', (ctx) => volumes.inspect(ctx.params.name ?? ''));

  router.delete('/volumes/:name', async (ctx) => {
    const name = ctx.params.name ?? '';
    if (name === '') throw invalid('volume name is required');
    await volumes.remove(name, { force: queryBool(ctx.query, 'force') });
  });
}
