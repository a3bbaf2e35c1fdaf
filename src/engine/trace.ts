import { appendFileSync } from 'node:fs';

// Per-phase timings of container work, for finding where a `docker run --rm` spends its
// time: BERTH_TRACE=1 writes them to stderr, BERTH_TRACE=<file> appends them to a file.
// One line per phase: "<id12> +<ms since the container's first mark> <phase> <ms>".
// Off (the default), span() is the promise itself and mark() does nothing.

const target = process.env.BERTH_TRACE;
const origin = new Map<string, number>();

function write(line: string): void {
  if (target === '1') process.stderr.write(`${line}\n`);
  else if (target) appendFileSync(target, `${line}\n`);
}

function rel(id: string, now: number): string {
  let t0 = origin.get(id);
  if (t0 === undefined) {
    t0 = now;
    origin.set(id, now);
    // Ids are forgotten after a minute: a long-lived daemon keeps no history.
    setTimeout(() => origin.delete(id), 60_000).unref();
  }
  return (now - t0).toFixed(1).padStart(7);
}

export const tracing = target !== undefined && target !== '' && target !== '0';

/** A point in a container's life. */
export function mark(id: string, phase: string): void {
  if (!tracing) return;
  const now = performance.now();
  write(`${id.slice(0, 12)} +${rel(id, now)} ${phase}`);
}

/** Time one step of a container's life (the promise is returned as is). */
export function span<T>(id: string, phase: string, p: Promise<T>): Promise<T> {
  if (!tracing) return p;
  const t = performance.now();
  const start = rel(id, t);
  const done = (): void => write(`${id.slice(0, 12)} +${start} ${phase} ${(performance.now() - t).toFixed(1)}ms`);
  p.then(done, done);
  return p;
}
