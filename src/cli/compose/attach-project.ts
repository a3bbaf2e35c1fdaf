import type { EngineApi } from '../../client/api/engine-api.js';
import { followLogs } from './log-follow.js';
import type { LogPrinter } from './log-printer.js';

// Foreground `up`: follow the logs of the project's containers as they start, and report
// each exit ("web-1 exited with code 0") to the caller.

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
    const run = (async () => {
      try {
        await followLogs(this.api, target.name, target.prefix, this.printer, { follow: true, signal: this.abort.signal, ...(since ? { since } : {}) });
      } catch {
        return; // the container went away (removed by a concurrent down): nothing to report
      }
      if (this.abort.signal.aborted) return;
      try {
        const state = await this.api.containers.inspect(target.name);
        if (!state.State.Running) {
          this.printer.status(target.prefix, `exited with code ${state.State.ExitCode}`);
          this.onExit(target, state.State.ExitCode);
        }
      } catch {
        // removed meanwhile
      }
    })();
    this.following.set(target.name, run);
  }

  get count(): number {
    return this.following.size;
  }

  /** Resolves when every followed container has stopped. */
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
