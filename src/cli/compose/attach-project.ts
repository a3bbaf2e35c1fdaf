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
    // Exits come from the engine's die events, each reported once: a follow that began
    // late can span several quick runs, and a quick restart may be running again before
    // we look, so the container's state alone would miss some.
    let reportedNs = firstSince !== undefined && Number.isFinite(Number(firstSince)) ? Number(firstSince) * 1e9 : Date.now() * 1e6;
    for (;;) {
      try {
        await followLogs(this.api, target.name, target.prefix, this.printer, { follow: true, signal: this.abort.signal, ...(since ? { since } : {}) });
      } catch {
        return; // the container went away (removed by a concurrent down): nothing to report
      }
      if (this.abort.signal.aborted) return;
      const dies = await this.diesAfter(target.name, reportedNs);
      let state: { Running: boolean; Restarting: boolean; ExitCode: number; FinishedAt?: string };
      try {
        state = (await this.api.containers.inspect(target.name)).State;
      } catch {
        state = { Running: false, Restarting: false, ExitCode: dies.at(-1)?.code ?? 0 };
        if (dies.length === 0) return; // removed meanwhile
      }
      if (dies.length === 0 && state.Running) return; // the stream ended without an exit (engine went away)
      // The die event not sent yet (the log stream can end first): the state has the exit.
      if (dies.length === 0) dies.push({ code: state.ExitCode, timeNano: nsOf(state.FinishedAt) ?? reportedNs });
      for (const d of dies) {
        this.printer.status(target.prefix, `exited with code ${d.code}`);
        this.onExit(target, d.code);
        reportedNs = Math.max(reportedNs, d.timeNano);
      }
      // The next run's lines come after the last exit.
      const resume = dockerTimeOfNs(reportedNs);
      if (!state.Running) {
        if (!state.Restarting) return;
        if (!(await this.nextStart(target.name, state.FinishedAt ?? ''))) return;
      }
      since = resume;
    }
  }

  /** The container's die events after `afterNs`, oldest first (a bounded query: until now). */
  private async diesAfter(name: string, afterNs: number): Promise<{ code: number; timeNano: number }[]> {
    const out: { code: number; timeNano: number }[] = [];
    try {
      const events = this.api.events.stream({
        filters: { type: ['container'], container: [name], event: ['die'] },
        since: dockerTimeOfNs(afterNs),
        // Until now, not later: a later bound would hold the stream open and take in the next runs' exits.
        until: dockerTimeOfNs(Date.now() * 1e6),
        signal: this.abort.signal,
      });
      for await (const e of events) {
        if (e.timeNano <= afterNs) continue;
        out.push({ code: Number(e.Actor.Attributes.exitCode ?? 0), timeNano: e.timeNano });
      }
    } catch {
      // the engine closed the stream: what was read stands
    }
    return out;
  }

  /**
   * Wait for the container's next start after it finished at `finishedAt` (RFC 3339):
   * true on it, false once it is stopped, removed or we are stopping. Asking for events
   * from `finishedAt` replays a start that came before the stream opened.
   */
  private async nextStart(name: string, finishedAt: string): Promise<boolean> {
    const afterNs = nsOf(finishedAt);
    if (afterNs === undefined) return false;
    try {
      const events = this.api.events.stream({
        filters: { type: ['container'], container: [name], event: ['start', 'stop', 'destroy'] },
        since: dockerTimeOfNs(afterNs),
        signal: this.abort.signal,
      });
      for await (const e of events) {
        if (e.timeNano < afterNs) continue;
        return e.Action === 'start';
      }
    } catch {
      // the engine closed the stream
    }
    return false;
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

  /**
   * Once the containers were stopped: their last lines (a TERM trap's goodbye) and exits are
   * still on their way, and each follow ends with its container. At most `ms`, or until `signal`.
   */
  async drain(ms: number, signal: AbortSignal): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.settled(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
        signal.addEventListener('abort', () => resolve(), { once: true });
      }),
    ]);
    clearTimeout(timer);
  }

  stop(): void {
    this.abort.abort();
  }
}

/** Nanoseconds since the epoch as Docker's `since`/`until` (seconds.nanoseconds). */
function dockerTimeOfNs(ns: number): string {
  const seconds = Math.floor(ns / 1e9);
  const nanos = Math.min(999_999_999, Math.max(0, Math.round(ns - seconds * 1e9)));
  return `${seconds}.${String(nanos).padStart(9, '0')}`;
}

/** RFC 3339 with up to nanoseconds as nanoseconds since the epoch (to ~256 ns, a double's step there). */
function nsOf(rfc3339: string | undefined): number | undefined {
  const m = rfc3339 === undefined ? null : /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(rfc3339);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1] ?? ''}${m[3] ?? ''}`);
  return Number.isFinite(ms) ? ms * 1e6 + Number((m[2] ?? '').slice(0, 9).padEnd(9, '0')) : undefined;
}
