import type { EngineEvent } from '../../engine/types.js';
import { BerthError } from '../../errors.js';
import type { ContainersApi } from './containers.js';
import type { EventsApi } from './events.js';
import type { ContainerInspect } from './wire.js';

// Waits on container conditions driven by the engine's /events stream (health_status and
// die events for the project), not by polling: a dependent starts the moment its
// condition holds. The stream is asked for before anything is started, and every wait
// first waits for the engine to have accepted it; each wait then inspects once after
// registering, so a state reached before the wait began is not missed.

type Listener = (e: EngineEvent) => void;

export class ContainerWatch {
  private readonly listeners = new Set<Listener>();
  private readonly abort = new AbortController();
  private pump: Promise<void> | undefined;
  private opened: Promise<void> | undefined;

  constructor(private readonly containers: ContainersApi, private readonly events: EventsApi, private readonly project: string) {}

  /** Subscribe; resolves once the engine has accepted the stream (waits begin after that). */
  open(): Promise<void> {
    this.opened ??= this.subscribe();
    return this.opened;
  }

  private async subscribe(): Promise<void> {
    const stream = await this.events.open({
      filters: { type: ['container'], label: [`com.docker.compose.project=${this.project}`] },
      signal: this.abort.signal,
    });
    this.pump = (async () => {
      try {
        for await (const e of stream) for (const l of [...this.listeners]) l(e);
      } catch {
        // the stream ended with the watch (abort) or the engine went away: waits time out
      }
    })();
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.opened?.catch(() => undefined);
    await this.pump;
  }

  awaitHealthy(name: string, signal: AbortSignal): Promise<void> {
    return this.waitFor(name, signal, (state, e) => {
      if (state) {
        const health = state.State.Health;
        if (!health || health.Status === 'none' || state.Config.Healthcheck?.Test?.[0] === 'NONE') {
          return fail(`dependency failed to start: container ${name} has no healthcheck configured`);
        }
        if (health.Status === 'healthy') return done();
        if (health.Status === 'unhealthy') return fail(unhealthyMessage(name, state));
        if (!state.State.Running && !state.State.Restarting && state.State.Status !== 'created') return fail(`dependency failed to start: container ${name} exited (${state.State.ExitCode})`);
        return pending;
      }
      if (!e) return pending;
      if (e.Action === 'health_status: healthy' || e.Action === 'health_status:healthy') return done();
      if (e.Action === 'health_status: unhealthy' || e.Action === 'health_status:unhealthy') return recheck;
      if (e.Action === 'die') return recheck;
      return pending;
    });
  }

  awaitExit(name: string, requireZero: boolean, signal: AbortSignal): Promise<number> {
    return this.waitFor(name, signal, (state, e) => {
      if (state) {
        if (state.State.Running || state.State.Restarting || state.State.Status === 'created') return pending;
        const code = state.State.ExitCode;
        if (requireZero && code !== 0) return fail(`service "${state.Config.Labels?.['com.docker.compose.service'] ?? name}" didn't complete successfully: exit ${code}`);
        return done(code);
      }
      if (e?.Action === 'die') return recheck;
      return pending;
    });
  }

  awaitReady(name: string, signal: AbortSignal): Promise<'Healthy' | 'Running'> {
    return this.waitFor(name, signal, (state, e) => {
      if (state) {
        if (!state.State.Running) {
          if (state.State.Status === 'created' || state.State.Restarting) return pending;
          return fail(`container ${name} exited (${state.State.ExitCode})`);
        }
        const health = state.State.Health;
        if (!health || health.Status === 'none' || state.Config.Healthcheck?.Test?.[0] === 'NONE') return done('Running' as const);
        if (health.Status === 'healthy') return done('Healthy' as const);
        if (health.Status === 'unhealthy') return fail(unhealthyMessage(name, state));
        return pending;
      }
      if (!e) return pending;
      if (e.Action.startsWith('health_status') || e.Action === 'die' || e.Action === 'start') return recheck;
      return pending;
    });
  }

  /**
   * The shared wait loop: `decide` looks at an inspect (state) or an event (e) and says
   * pending, done, fail, or recheck (inspect again, because the event alone is not enough).
   */
  private async waitFor<T>(name: string, signal: AbortSignal, decide: (state: ContainerInspect | undefined, e: EngineEvent | undefined) => Decision<T>): Promise<T> {
    await this.opened;
    return new Promise<T>((resolve, reject) => {
      let id: string | undefined;
      let settled = false;
      let checking = false;
      let again = false;
      const finish = (d: Decision<T>): boolean => {
        if (d.kind === 'done') settle(() => resolve(d.value as T));
        else if (d.kind === 'fail') settle(() => reject(new BerthError('failed_precondition', d.message)));
        return d.kind === 'done' || d.kind === 'fail';
      };
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        this.listeners.delete(listener);
        signal.removeEventListener('abort', onAbort);
        f();
      };
      const check = async () => {
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        try {
          do {
            again = false;
            const state = await this.containers.inspect(id ?? name);
            id = state.Id;
            if (finish(decide(state, undefined))) return;
          } while (again && !settled);
        } catch (err) {
          settle(() => reject(err));
        } finally {
          checking = false;
        }
      };
      const listener: Listener = (e) => {
        if (settled || (e.Actor.ID !== id && e.Actor.Attributes?.name !== name)) return;
        const d = decide(undefined, e);
        if (d.kind === 'recheck') void check();
        else finish(d);
      };
      const onAbort = () => settle(() => reject(new BerthError('canceled', `canceled while waiting for ${name}`)));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.listeners.add(listener);
      void check();
    });
  }
}

type Decision<T> = { kind: 'pending' } | { kind: 'recheck' } | { kind: 'done'; value?: T } | { kind: 'fail'; message: string };
const pending = { kind: 'pending' } as const;
const recheck = { kind: 'recheck' } as const;
const done = <T>(value?: T): Decision<T> => ({ kind: 'done', ...(value === undefined ? {} : { value }) });
const fail = (message: string): { kind: 'fail'; message: string } => ({ kind: 'fail', message });

function unhealthyMessage(name: string, state: ContainerInspect): string {
  const log = state.State.Health?.Log ?? [];
  const last = log[log.length - 1];
  const output = last ? `; last health check (exit ${last.ExitCode}): ${last.Output.trim() || '(no output)'}` : '';
  return `dependency failed to start: container ${name} is unhealthy${output}`;
}
