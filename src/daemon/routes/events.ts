import type { Engine } from '../../engine/engine.js';
import { matchesEventFilters, parseEventTime } from '../../engine/events.js';
import type { EngineEvent } from '../../engine/types.js';
import { invalid } from '../../errors.js';
import { parseFilters } from '../filters.js';
import { HANDLED, type Router } from '../router.js';

// GET /events: newline-delimited JSON; the buffered past from `since`, then live events
// until `until` (or until the client goes away).

export function registerEventRoutes(router: Router, engine: Engine): void {
  router.get('/events', async (ctx) => {
    const filters = parseFilters(ctx.query.get('filters'));
    const since = parseEventTime(ctx.query.get('since'));
    const until = parseEventTime(ctx.query.get('until'));
    if (ctx.query.get('since') && since === undefined) throw invalid(`invalid since: ${ctx.query.get('since') ?? ''}`);
    if (ctx.query.get('until') && until === undefined) throw invalid(`invalid until: ${ctx.query.get('until') ?? ''}`);
    const res = ctx.res;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const send = (e: EngineEvent): void => {
      if (matchesEventFilters(e, filters)) res.write(`${JSON.stringify(e)}\n`);
    };
    const nowNs = Date.now() * 1_000_000;
    if (since !== undefined) for (const e of engine.events.past(since, until ?? Number.POSITIVE_INFINITY)) send(e);
    if (until !== undefined && until <= nowNs) {
      res.end();
      return HANDLED;
    }
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const unsubscribe = engine.events.subscribe((e) => {
        if (until !== undefined && e.timeNano > until) return;
        send(e);
      });
      const finish = (): void => {
        unsubscribe();
        if (timer) clearTimeout(timer);
        resolve();
      };
      if (until !== undefined) timer = setTimeout(finish, (until - nowNs) / 1_000_000);
      res.on('close', finish);
    });
    res.end();
    return HANDLED;
  });
}
