import type { EngineApi } from '../../client/api/engine-api.js';
import { followLogs } from './log-follow.js';
import type { LogPrinter } from './log-printer.js';

// Foreground `up`: follow the logs of the project's containers as they start, and report
// each exit ("web-1 exited with code 0") to the caller. A container that its restart
// policy brings back is followed again from its new start, as Docker Compose does; it
// counts as stopped only when it exits for good.

export interface AttachTarget {
  name: string;
  service: string;
  prefix: string;
}

export class ProjectAttacher {
  private readonly following = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();

  constructor(
    private readonly api: EngineApi,
    private readonly printer: LogPrinter,
    private readonly onExit: (target: AttachTarget, code: number) => void,
  ) {}

  attach(target: AttachTarget, since?: string): void {
    if (this.following.has(target.name)) return;
    this.printer.add(target.prefix);
    this.following.set(target.name, this.follow(target, since));
  }

  private async follow(target: AttachTarget, firstSince: string | undefined): Promise<void> {
    let since = firstSince;
    for (;;) {
      try {
        await followLogs(this.api, target.name, target.prefix, this.printer, { follow: true, signal: this.abort.signal, ...(since ? { since } : {}) });
      } catch {
        return; // the container went away (removed by a concurrent down): nothing to report
      }
      if (this.abort.signal.aborted) return;
      let restarting: boolean;
      let finishedAt: string;
      try {
        const state = (await this.api.containers.inspect(target.name)).State;
        if (state.Running) return; // the stream ended without an exit (engine went away)
        this.printer.status(target.prefix, `exited with code ${state.ExitCode}`);
        this.onExit(target, state.ExitCode);
        restarting = state.Restarting === true;
        finishedAt = state.FinishedAt ?? '';
      } catch {
        return; // removed meanwhile
      }
      if (!restarting) return;
      const restartedAt = await this.nextStart(target.name, finishedAt);
      if (restartedAt === undefined) return;
      since = restartedAt;
    }
  }

  /**
   * Wait for the container's next start after it finished at `finishedAt` (RFC 3339);
   * resolves to the logs `since` that shows the new run from its first line (the end of
   * the last run: a quick process prints before its start event is sent), or undefined
   * once it is stopped, removed or we are stopping. Asking for events from `finishedAt`
   * replays a start that came before the stream opened.
   */
  private async nextStart(name: string, finishedAt: string): Promise<string | undefined> {
    const since = dockerTime(finishedAt);
    if (since === undefined) return undefined;
    const afterMs = Date.parse(finishedAt);
    try {
      const events = this.api.events.stream({
        filters: { type: ['container'], container: [name], event: ['start', 'stop', 'destroy'] },
        since: since.split('.')[0] ?? since,
        signal: this.abort.signal,
      });
      for await (const e of events) {
        if (e.timeNano / 1e6 < afterMs) continue;
        return e.Action === 'start' ? since : undefined;
      }
    } catch {
      // the engine closed the stream
    }
    return undefined;
  }

  get count(): number {
    return this.following.size;
  }

  /** Resolves when every followed container has stopped for good. */
  async settled(): Promise<void> {
    let size = -1;
    while (size !== this.following.size) {
      size = this.following.size;
      await Promise.all(this.following.values());
    }
  }

  stop(): void {
    this.abort.abort();
  }
}

/** RFC 3339 with up to nanoseconds as Docker's `since` (seconds.nanoseconds); whole seconds would replay the last run's lines. */
function dockerTime(rfc3339: string): string | undefined {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(rfc3339);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1] ?? ''}${m[3] ?? ''}`);
  if (!Number.isFinite(ms)) return undefined;
  return `${Math.floor(ms / 1000)}.${(m[2] ?? '').slice(0, 9).padEnd(9, '0')}`;
}
