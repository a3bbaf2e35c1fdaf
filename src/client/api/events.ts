import type { EngineClient } from '../engine-client.js';
import type { EngineEvent } from '../../engine/types.js';
import { filtersParam } from './filters.js';

// GET /events as an async iterator of parsed events (newline-delimited JSON). Aborting
// the signal ends the iteration.
export class EventsApi {
  constructor(private readonly client: EngineClient) {}

  /** Iterate events until the signal aborts (or the engine closes the stream). */
  async *stream(opts: { filters?: Record<string, string[]>; since?: string; until?: string; signal: AbortSignal }): AsyncGenerator<EngineEvent> {
    let events: AsyncIterable<EngineEvent>;
    try {
      events = await this.open(opts);
    } catch (err) {
      if (opts.signal.aborted) return;
      throw err;
    }
    yield* events;
  }

  /** Open the stream and resolve once the engine has answered (so no event is missed after). */
  async open(opts: { filters?: Record<string, string[]>; since?: string; until?: string; signal: AbortSignal }): Promise<AsyncIterable<EngineEvent>> {
    const res = await this.client.streamChunks('GET', '/events', {
      query: { filters: filtersParam(opts.filters), since: opts.since, until: opts.until },
      signal: opts.signal,
    });
    return parseEvents(res, opts.signal);
  }
}

async function* parseEvents(res: AsyncIterable<unknown>, signal: AbortSignal): AsyncGenerator<EngineEvent> {
  let buffered = '';
  try {
    for await (const chunk of res) {
      buffered += Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) yield JSON.parse(line) as EngineEvent;
        nl = buffered.indexOf('\n');
      }
    }
  } catch (err) {
    if (signal.aborted) return;
    throw err;
  }
}
