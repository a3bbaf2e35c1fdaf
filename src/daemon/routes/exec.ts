import type { Engine } from '../../engine/engine.js';
import { frame } from '../../engine/containers/log-stream.js';
import { obj, bool } from '../../engine/containers/wire-check.js';
import { hijack } from '../hijack.js';
import { ttySize } from './containers.js';
import { HANDLED, Reply, type Router } from '../router.js';

// /containers/:id/exec and /exec/:id/...: create, start (hijacked stream, or detached),
// inspect.

export function registerExecRoutes(router: Router, engine: Engine): void {
  const execs = engine.execs;

  router.post('/containers/:id/exec', async (ctx) => new Reply(201, execs.create(ctx.params.id ?? '', await ctx.json())));

  router.get('/exec/:id/json', (ctx) => execs.inspect(ctx.params.id ?? ''));

  router.post('/exec/:id/resize', (ctx) => {
    const { rows, cols } = ttySize(ctx);
    execs.resize(ctx.params.id ?? '', rows, cols);
    return new Reply(200);
  });

  router.post('/exec/:id/start', async (ctx) => {
    const body = obj(await ctx.json(), 'body') ?? {};
    const detach = bool(body, 'Detach', 'ExecStartConfig') ?? false;
    const { inst, container } = execs.claim(ctx.params.id ?? '');
    const tty = bool(body, 'Tty', 'ExecStartConfig') ?? inst.config.Tty;
    if (detach) {
      // Answered once the process runs (its Pid known), or with the runtime's error, as dockerd.
      await execs.runDetached(inst, container);
      return new Reply(200);
    }
    const conn = hijack(ctx, tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream');
    const write = (stream: 'stdout' | 'stderr', data: Buffer): void => {
      if (data.length === 0 || conn.socket.destroyed) return;
      conn.socket.write(tty ? data : frame(stream, data));
    };
    if (conn.rest.length > 0) conn.socket.unshift(conn.rest);
    try {
      await execs.run(inst, container, { stdin: conn.socket, stdout: (d) => write('stdout', d), stderr: (d) => write('stderr', d) }, false);
    } catch (err) {
      write('stderr', Buffer.from(`${err instanceof Error ? err.message : String(err)}\n`));
    }
    conn.socket.end();
    return HANDLED;
  });
}
