import type { HealthResult, HealthState } from '../containers/model.js';
import { MAX_LOG_ENTRIES, MAX_OUTPUT_BYTES, type Probe } from './health-config.js';

// One container's health checks, Docker's semantics: the first probe runs one interval
// after start (start_interval while inside start_period); a pass makes it healthy and
// clears the streak; a failure adds to FailingStreak (not inside start_period while still
// starting) and `retries` in a row make it unhealthy; a probe that outlives its timeout
// is a failure with exit code -1. The last five results are kept.

export interface ProbeOutcome {
  exitCode: number;
  output: string;
}

export interface HealthMonitorDeps {
  /** Run the probe inside the container; rejects or is aborted on timeout. */
  exec(argv: string[], signal: AbortSignal): Promise<ProbeOutcome>;
  /** Called after each probe; `changed` when Status moved (→ a health_status event). */
  onResult(state: HealthState, changed: boolean): void;
}

export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: AbortController | undefined;
  private stopped = false;

  constructor(
    private readonly probe: Probe,
    readonly state: HealthState,
    private readonly startedAtMs: number,
    private readonly deps: HealthMonitorDeps,
  ) {}

  /**
   * The first probe comes one interval (start_interval inside start_period) after the
   * container started: counted from StartedAt, not from now, since the monitor starts a
   * moment later (once the start is recorded). A monitor started a whole interval or more
   * after StartedAt (berthd re-attaching to a running container) waits a full interval.
   */
  start(): void {
    const now = Date.now();
    const delay = this.delayAt(now);
    const elapsed = now - this.startedAtMs;
    this.arm(elapsed >= 0 && elapsed < delay ? delay - elapsed : delay);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.running?.abort();
  }

  private inStartPeriod(now: number): boolean {
    return now - this.startedAtMs < this.probe.startPeriodMs;
  }

  private delayAt(now: number): number {
    return this.inStartPeriod(now) ? this.probe.startIntervalMs : this.probe.intervalMs;
  }

  /** The next probe one interval after the previous one ended. */
  private schedule(): void {
    this.arm(this.delayAt(Date.now()));
  }

  private arm(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.runOnce(), delay);
    this.timer.unref();
  }

  private async runOnce(): Promise<void> {
    if (this.stopped) return;
    const start = new Date();
    const ctl = new AbortController();
    this.running = ctl;
    const timeout = setTimeout(() => ctl.abort(), this.probe.timeoutMs);
    let outcome: ProbeOutcome;
    try {
      outcome = await this.deps.exec(this.probe.argv, ctl.signal);
      if (ctl.signal.aborted) outcome = timedOut(this.probe.timeoutMs);
    } catch (err) {
      outcome = ctl.signal.aborted ? timedOut(this.probe.timeoutMs) : { exitCode: -1, output: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timeout);
      this.running = undefined;
    }
    if (this.stopped) return;
    this.record({ Start: start.toISOString(), End: new Date().toISOString(), ExitCode: outcome.exitCode, Output: truncate(outcome.output) }, start.getTime());
    this.schedule();
  }

  /** Apply one result to the state (exported for the unit tests through applyResult). */
  private record(result: HealthResult, startMs: number): void {
    const changed = applyResult(this.state, result, this.probe.retries, this.inStartPeriod(startMs));
    this.deps.onResult(this.state, changed);
  }
}

/** The state machine of one result; returns whether Status changed. */
export function applyResult(state: HealthState, result: HealthResult, retries: number, inStartPeriod: boolean): boolean {
  const before = state.Status;
  state.Log.push(result);
  while (state.Log.length > MAX_LOG_ENTRIES) state.Log.shift();
  if (result.ExitCode === 0) {
    state.FailingStreak = 0;
    state.Status = 'healthy';
  } else if (!(inStartPeriod && state.Status === 'starting')) {
    state.FailingStreak += 1;
    if (state.FailingStreak >= retries) state.Status = 'unhealthy';
  }
  return state.Status !== before;
}

function timedOut(ms: number): ProbeOutcome {
  return { exitCode: -1, output: `Health check exceeded timeout (${formatSeconds(ms)})` };
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function truncate(output: string): string {
  const buf = Buffer.from(output, 'utf8');
  return buf.length <= MAX_OUTPUT_BYTES ? output : buf.subarray(0, MAX_OUTPUT_BYTES).toString('utf8');
}
