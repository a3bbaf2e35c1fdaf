import { stat } from 'node:fs/promises';
import type { Engine } from '../../engine/engine.js';
import { attach, resizeContainer } from '../../engine/containers/attach.js';
import type { HostConfig } from '../../engine/containers/model.js';
import { frame, streamLogs, type LogOptions } from '../../engine/containers/log-stream.js';
import { top } from '../../engine/containers/top.js';
import { validateCreate } from '../../engine/containers/validate-create.js';
import { conflict, invalid } from '../../errors.js';
import { parseFilters, queryBool } from '../filters.js';
import { hijack } from '../hijack.js';
import { HANDLED, Reply, type RouteContext, type Router } from '../router.js';
import { START_NEXT_HEADER } from '../../api-extensions.js';

// /containers/...: Docker's wire shapes in and out; the engine does the work.

function intParam(ctx: RouteContext, name: string): number | undefined {
  const v = ctx.query.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw invalid(`invalid value for ${name}: ${v}`);
  return n;
}

/** h and w of a resize (Docker: unsigned integers, both required). */
export function ttySize(ctx: RouteContext): { rows: number; cols: number } {
  const rows = intParam(ctx, 'h');
  const cols = intParam(ctx, 'w');
  if (rows === undefined || cols === undefined || rows < 0 || cols < 0 || rows > 0xffff || cols > 0xffff) throw invalid('resize: h and w must be integers from 0 to 65535');
  return { rows, cols };
}

/** since/until: unix seconds (fractional) or RFC 3339. */
function timeParam(ctx: RouteContext, name: string): number | undefined {
  const v = ctx.query.get(name);
  if (v === null || v === '' || v === '0') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw invalid(`invalid value for ${name}: ${v}`);
  return ms / 1000;
}

export function registerContainerRoutes(router: Router, engine: Engine): void {
  const containers = engine.containers;

  router.post('/containers/create', async (ctx) => {
    const req = validateCreate(await ctx.json());
    // berth's extension: its `container run` says that a start follows at once (prepared meanwhile).
    const startNext = ctx.req.headers[START_NEXT_HEADER] === '1';
    return new Reply(201, await containers.create(ctx.query.get('name'), req, { startNext }));
  });

  router.get('/containers/json', async (ctx) => containers.list(queryBool(ctx.query, 'all'), parseFilters(ctx.query.get('filters')), intParam(ctx, 'limit') ?? -1));

  router.post('/containers/prune', async (ctx) => {
    const filters = parseFilters(ctx.query.get('filters'));
    const deleted: string[] = [];
    for (const c of containers.registry.all()) {
      if (c.State.Status !== 'exited' && c.State.Status !== 'created' && c.State.Status !== 'dead') continue;
      const labels = filters.label ?? [];
      if (!labels.every((l) => (l.includes('=') ? c.Config.Labels[l.split('=')[0] ?? ''] === l.slice(l.indexOf('=') + 1) : c.Config.Labels[l] !== undefined))) continue;
      await containers.remove(c.Id, { volumes: false }).then(() => deleted.push(c.Id), () => undefined);
    }
    return { ContainersDeleted: deleted, SpaceReclaimed: 0 };
  });

  router.get('/containers/:id/json', (ctx) => containers.inspect(ctx.params.id ?? ''));

  // berth's extension (api-extensions.ts): a start announced ahead of its request.
  router.post('/containers/:id/prepare-start', (ctx) => {
    containers.prepareStart(ctx.params.id ?? '');
  });

  router.post('/containers/:id/start', async (ctx) => ((await containers.start(ctx.params.id ?? '')) ? undefined : new Reply(304)));

  router.post('/containers/:id/stop', async (ctx) => ((await containers.stop(ctx.params.id ?? '', intParam(ctx, 't'), ctx.query.get('signal') || undefined)) ? undefined : new Reply(304)));

  router.post('/containers/:id/restart', async (ctx) => {
    await containers.restart(ctx.params.id ?? '', intParam(ctx, 't'), ctx.query.get('signal') || undefined);
  });

  router.post('/containers/:id/kill', async (ctx) => {
    await containers.kill(ctx.params.id ?? '', ctx.query.get('signal') || 'SIGKILL');
  });

  router.post('/containers/:id/pause', async (ctx) => {
    await containers.pause(ctx.params.id ?? '');
  });

  router.post('/containers/:id/unpause', async (ctx) => {
    await containers.unpause(ctx.params.id ?? '');
  });

  router.post('/containers/:id/rename', async (ctx) => {
    const name = ctx.query.get('name');
    if (!name) throw invalid('name is required');
    await containers.rename(ctx.params.id ?? '', name);
  });

  router.post('/containers/:id/update', async (ctx) => {
    const body = await ctx.json<Partial<HostConfig>>();
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('update: a JSON object body is required');
    return containers.update(ctx.params.id ?? '', body);
  });

  router.post('/containers/:id/wait', async (ctx) => {
    const condition = ctx.query.get('condition') || 'not-running';
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw invalid(`invalid condition: "${condition}"`);
    const gone = new AbortController();
    const waiting = containers.wait(ctx.params.id ?? '', condition, gone.signal);
    ctx.res.on('close', () => gone.abort());
    // Headers go out at once: clients (docker run) take them as "the wait is registered".
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    ctx.res.flushHeaders();
    const result = await waiting;
    ctx.res.end(JSON.stringify(result));
    return HANDLED;
  });

  router.delete('/containers/:id', async (ctx) => {
    await containers.remove(ctx.params.id ?? '', { force: queryBool(ctx.query, 'force'), volumes: queryBool(ctx.query, 'v') });
  });

  router.get('/containers/:id/top', async (ctx) => {
    const c = containers.get(ctx.params.id ?? '');
    if (!containers.lifecycle.isRunning(c)) throw containersNotRunning(c.Id);
    return top(c.Id, ctx.query.get('ps_args') ?? '', c.State.Pid);
  });

  router.get('/containers/:id/logs', async (ctx) => {
    const c = containers.get(ctx.params.id ?? '');
    const stdout = queryBool(ctx.query, 'stdout');
    const stderr = queryBool(ctx.query, 'stderr');
    if (!stdout && !stderr) throw invalid('Bad parameters: you must choose at least one stream');
    const tailRaw = ctx.query.get('tail');
    const tail = tailRaw === null || tailRaw === '' || tailRaw === 'all' ? undefined : Number(tailRaw);
    if (tail !== undefined && !Number.isInteger(tail)) throw invalid(`invalid value for tail: ${tailRaw}`);
    const opts: LogOptions = { file: containers.registry.paths(c.Id).logPath, stdout, stderr, since: timeParam(ctx, 'since'), until: timeParam(ctx, 'until'), tail, timestamps: queryBool(ctx.query, 'timestamps'), follow: queryBool(ctx.query, 'follow') };
    const tty = c.Config.Tty;
    ctx.res.writeHead(200, { 'Content-Type': tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream' });
    ctx.res.flushHeaders();
    const ctl = new AbortController();
    ctx.res.on('close', () => ctl.abort());
    const running = containers.lifecycle.isRunning(c) || c.State.Status === 'restarting';
    const stopped = running ? containers.lifecycle.waiters.nextExit(c.Id, ctl.signal).then(() => undefined) : undefined;
    await streamLogs(opts, (line) => ctx.res.write(tty ? line.data : frame(line.stream, line.data)), stopped, ctl.signal);
    ctx.res.end();
    return HANDLED;
  });

  router.post('/containers/:id/attach', async (ctx) => {
    const c = containers.get(ctx.params.id ?? '');
    const tty = c.Config.Tty;
    const wantStdin = queryBool(ctx.query, 'stdin') && c.Config.OpenStdin;
    const conn = hijack(ctx, tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream');
    const ctl = new AbortController();
    conn.socket.on('close', () => ctl.abort());
    conn.socket.on('error', () => ctl.abort());
    await attach(containers, c, {
      stdout: queryBool(ctx.query, 'stdout'),
      stderr: queryBool(ctx.query, 'stderr'),
      logs: queryBool(ctx.query, 'logs'),
      stream: queryBool(ctx.query, 'stream'),
      ...(wantStdin ? { stdin: { from: conn.socket, first: conn.rest } } : {}),
      write: (stream, data) => conn.socket.destroyed || conn.socket.write(tty ? data : frame(stream, data)),
      drain: conn.socket,
      signal: ctl.signal,
    });
    conn.socket.end();
    return HANDLED;
  });

  router.post('/containers/:id/resize', async (ctx) => {
    const c = containers.get(ctx.params.id ?? '');
    const { rows, cols } = ttySize(ctx);
    if (!containers.lifecycle.isRunning(c)) throw containersNotRunning(c.Id);
    await resizeContainer(containers, c, rows, cols);
    return new Reply(200);
  });

  // The tar code loads on first use: berthd starts faster without it.
  const archive = () => import('../../engine/containers/archive.js');

  /** `use` with the path's place on the host and its stat header, the rootfs mounted meanwhile. */
  const withArchivePath = async <T>(ctx: RouteContext, use: (host: string, header: string) => Promise<T>): Promise<T> => {
    const { statHeader, statPath } = await archive();
    const c = containers.get(ctx.params.id ?? '');
    const p = ctx.query.get('path');
    if (!p) throw invalid('path is required');
    return containers.lifecycle.withRootfs(c, async (rootfs) => {
      const { host, stat: st } = await statPath(rootfs, p);
      return use(host, statHeader(st));
    });
  };

  router.head('/containers/:id/archive', async (ctx) =>
    withArchivePath(ctx, async (_host, header) => {
      ctx.res.writeHead(200, { 'X-Docker-Container-Path-Stat': header, 'Content-Type': 'application/x-tar' });
      ctx.res.end();
      return HANDLED;
    }),
  );

  router.get('/containers/:id/archive', async (ctx) =>
    withArchivePath(ctx, async (host, header) => {
      await stat(host);
      ctx.res.writeHead(200, { 'X-Docker-Container-Path-Stat': header, 'Content-Type': 'application/x-tar' });
      const tar = (await archive()).tarOf(host);
      tar.pipe(ctx.res);
      await new Promise<void>((resolve) => ctx.res.on('close', resolve));
      return HANDLED;
    }),
  );

  router.put('/containers/:id/archive', async (ctx) => {
    const c = containers.get(ctx.params.id ?? '');
    const p = ctx.query.get('path');
    if (!p) throw invalid('path is required');
    if (c.HostConfig.ReadonlyRootfs) throw invalid('container rootfs is marked read-only');
    const { extractInto } = await archive();
    await containers.lifecycle.withRootfs(c, (rootfs) => extractInto(rootfs, p, ctx.req));
    return new Reply(200);
  });
}

function containersNotRunning(id: string): Error {
  return conflict(`Container ${id} is not running`);
}
