import { readFrames } from '../../client/api/read-frames.js';
import type { EngineApi } from '../../client/api/engine-api.js';
import { isBerthError } from '../../errors.js';
import type { LogPrinter } from './log-printer.js';

// Streams one container's logs into the printer; resolves when the stream ends (the
// container stopped, with follow) or the signal aborts.

export interface FollowOptions {
  follow: boolean;
  tail?: string;
  timestamps?: boolean;
  since?: string;
  until?: string;
  signal?: AbortSignal;
}

export async function followLogs(api: EngineApi, id: string, prefix: string, printer: LogPrinter, opts: FollowOptions): Promise<void> {
  const info = await api.containers.inspect(id);
  try {
    const res = await api.containers.logs(id, {
      follow: opts.follow,
      ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
      ...(opts.timestamps ? { timestamps: true } : {}),
      ...(opts.since !== undefined ? { since: opts.since } : {}),
      ...(opts.until !== undefined ? { until: opts.until } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    for await (const frame of readFrames(res, info.Config.Tty === true)) printer.write(prefix, frame.data.toString('utf8'));
  } catch (err) {
    if (opts.signal?.aborted || (isBerthError(err) && err.code === 'canceled')) return;
    if (err instanceof Error && (err.name === 'AbortError' || /aborted/i.test(err.message))) return;
    throw err;
  } finally {
    printer.flush(prefix);
  }
}
