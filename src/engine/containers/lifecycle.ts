import { existsSync, readFileSync } from 'node:fs';
import { conflict, internal } from '../../errors.js';
import type { ExitRecord } from '../../runtime/types.js';
import { HealthMonitor } from '../health/health-monitor.js';
import { probeOf } from '../health/health-config.js';
import { containerAttributes, type ServiceDeps } from './container-service.js';
import { isRunning, type ContainerRecord } from './model.js';
import { networkKind } from './network-attach.js';
import { nextBackoff, restartOnDaemonStart, shouldRestart } from './restart-policy.js';
import { finishStart, prepareStart, startContainer, type Prepared, type StartDeps } from './start-container.js';
import type { ContainerPaths } from './runtime-port.js';
import type { EventHold } from '../events.js';
import { signalNumber } from './signals.js';
import { resolveUser, type ResolvedUser } from './user-resolve.js';
import { Waiters } from './waiters.js';
import { PreStartAttaches } from './attach.js';
import { mark, span } from '../trace.js';
import { Background } from '../background.js';

// Running containers: start, stop, kill, pause, exits, restart policies, health monitors,
// and the re-attachment after a berthd restart (the shims kept the containers running).
// One operation at a time per container (a promise chain each).

const DEFAULT_STOP_TIMEOUT_S = 10;

/**
 * How long a start prepared ahead of its request (Lifecycle.prepare) waits for it before it
 * is undone. BERTH_PREPARED_TTL_MS changes it (tests).
 */
const PREPARED_TTL_MS = Number(process.env.BERTH_PREPARED_TTL_MS) > 0 ? Number(process.env.BERTH_PREPARED_TTL_MS) : 3000;

/** A start prepared ahead of its request: what its request finishes, or its undoing releases. */
interface PreparedRun {
  c: ContainerRecord;
  ready: Prepared;
  /** The sandbox's events, published with the start (or dropped with the undoing). */
  hold: EventHold;
  timer: NodeJS.Timeout;
}

/** How long a health result that changed neither Status nor FailingStreak may wait to be written. */
const HEALTH_SAVE_DELAY_MS = 5000;

export class Lifecycle {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly exitWatch = new Map<string, AbortController>();
  /** While exits are watched: the periodic look for shims that died without recording one. */
  private shimCheck: NodeJS.Timeout | undefined;
  private readonly health = new Map<string, HealthMonitor>();
  /** Deferred writes of a record whose health Log grew (see startHealth). */
  private readonly healthSaves = new Map<string, NodeJS.Timeout>();
  private readonly restartTimers = new Map<string, NodeJS.Timeout>();
  private readonly backoff = new Map<string, number>();
  /** Bumped at each run so a late exit of an earlier run is not taken for this one's. */
  private readonly generation = new Map<string, number>();
  /** Containers whose runtime state and sandbox are gone (until the next run). */
  private readonly tornDown = new Set<string>();
  /** Containers whose stop is waiting out its grace period (while it holds the lock). */
  private readonly stopping = new Set<string>();
  /** Rootfs mounts begun at create (docker run's attach and wait requests come meanwhile). */
  private readonly rootfsMounts = new Map<string, Promise<string | undefined>>();
  /** Rootfs unmounts after an exit, by container: a next mount of it waits for its own. */
  private readonly exitUnmounts = new Map<string, Promise<void>>();
  /** Archive requests (docker cp) using a container's rootfs now, by container (see withRootfs). */
  private readonly rootfsUsers = new Map<string, number>();
  /** Starts prepared ahead of their request (see prepare). */
  private readonly prepared = new Map<string, PreparedRun>();
  /** Containers with a prepare queued or running. */
  private readonly preparing = new Set<string>();
  private closed = false;
  readonly waiters = new Waiters();
  /** Runtime deletes of AutoRemove containers, finishing after the removal's answer. */
  readonly background = new Background();
  /** Attaches waiting for the next start: connected to the shim before the process runs. */
  readonly attaches = new PreStartAttaches();
  /** Hook for AutoRemove (set by the engine: removal lives with the queries). */
  autoRemove: (c: ContainerRecord) => Promise<void> = async () => undefined;

  constructor(private readonly deps: ServiceDeps) {}

  /**
   * Run fn after the container's earlier operations. Any operation but a start first undoes a
   * start prepared ahead of its request (its sandbox, bundle and process reflect the container
   * as it was): a rename, a network change or a removal then acts on a container with none.
   */
  locked<T>(id: string, fn: () => Promise<T>, opts: { keepPrepared?: boolean } = {}): Promise<T> {
    const body = opts.keepPrepared
      ? fn
      : async (): Promise<T> => {
          if (this.prepared.has(id)) await this.abandon(id);
          return fn();
        };
    const prev = this.locks.get(id) ?? Promise.resolve();
    const next = prev.then(body, body);
    const tail = next.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return next;
  }

  isRunning(c: ContainerRecord): boolean {
    return isRunning(c);
  }

  /** Resolves false when it was already running (the API's 304). */
  start(c: ContainerRecord): Promise<boolean> {
    mark(c.Id, 'start.request');
    return this.locked(c.Id, async () => {
      if (this.isRunning(c)) return false;
      if (c.State.Status === 'removing' || c.State.Status === 'dead') throw conflict(`container ${c.Id} is marked for removal and cannot be started`);
      this.cancelRestart(c.Id);
      c.ManuallyStopped = false;
      await this.run(c);
      return true;
    }, { keepPrepared: true });
  }

  /**
   * A start announced ahead of its request (berth's `container run` says so with its create,
   * and starts it milliseconds later; compose's `up` asks POST /containers/{id}/prepare-start
   * when a dependency's first health probe is near). The start's first half (sandbox, /etc
   * files, bundle, the runtime's create: its process waits before the command) runs now, under the
   * container's lock, so the start request finds it done and only starts the process. The
   * container stays `created` (no pid) and the sandbox's events come with the start; its
   * endpoint, DNS names and published ports exist from now (the start is that close). Any
   * other operation on the container, berthd stopping, or PREPARED_TTL_MS without a start
   * undoes it. Only an explicit announcement prepares: a start that may never come (an
   * attach alone) would hold ports and names a created container does not hold in Docker.
   */
  prepare(c: ContainerRecord, opts: { early?: boolean } = {}): void {
    // A fresh volume takes the image's content at the prepare, if empty then. Prepared early
    // (seconds before the start), another container could write into it first, which in
    // Docker would keep it from being filled: such a start is left for its request.
    if (opts.early && c.Mounts.some((m) => m.Type === 'volume' && m.Name && !m.NoCopy)) return;
    if (!this.preparable(c) || this.preparing.has(c.Id) || this.prepared.has(c.Id)) return;
    this.preparing.add(c.Id);
    const done = (): void => {
      this.preparing.delete(c.Id);
    };
    this.locked(
      c.Id,
      async () => {
        if (!this.preparable(c) || this.prepared.has(c.Id)) return;
        const paths = this.deps.registry.paths(c.Id);
        const hold = this.deps.events.hold(c.Id);
        try {
          await this.clearForRun(c, paths);
          const ready = await prepareStart(c, paths, this.startDeps(c, paths));
          // A no-op under the lock undoes it (as every operation but a start does).
          const timer = setTimeout(() => void this.locked(c.Id, async () => undefined).catch(() => undefined), PREPARED_TTL_MS);
          timer.unref();
          this.prepared.set(c.Id, { c, ready, hold, timer });
        } catch {
          // The start request does it all again, and reports what fails.
          await this.teardown(c);
          hold.drop();
        }
      },
      { keepPrepared: true },
    ).then(done, done);
  }

  /** Undo a prepared (or preparing) start, for a change the lock does not cover (rename, update). */
  async unprepare(id: string): Promise<void> {
    if (this.prepared.has(id) || this.preparing.has(id)) await this.locked(id, async () => undefined);
  }

  private preparable(c: ContainerRecord): boolean {
    if (this.closed) return false;
    const s = c.State.Status;
    // container:<id> mode joins another container's namespace, which may go before the start.
    return (s === 'created' || s === 'exited') && networkKind(c).kind !== 'container';
  }

  private takePrepared(id: string): PreparedRun | undefined {
    const p = this.prepared.get(id);
    if (!p) return undefined;
    this.prepared.delete(id);
    clearTimeout(p.timer);
    return p;
  }

  /** Undo a prepared start: its process, shim and sandbox go; nothing was announced. */
  private async abandon(id: string): Promise<void> {
    const p = this.takePrepared(id);
    if (!p) return;
    const { stateDir } = this.deps.registry.paths(id);
    try {
      // A pooled sandbox may still be being configured: its undoing waits for that.
      await p.ready.sandbox?.configured?.catch(() => undefined);
      await this.teardown(p.c);
      // Its shim records the end in the state dir: done before a next run clears it. One that
      // outlives the wait must not write into the next run's: that run clears it again first.
      await this.waitShimGone(stateDir);
      if (this.shimAlive(stateDir, 0)) this.tornDown.delete(id);
    } finally {
      p.hold.drop();
    }
  }

  private startDeps(c: ContainerRecord, paths: ContainerPaths): StartDeps {
    // Without a mount from create, the start mounts the rootfs once the last exit's unmount is done.
    const premounted = this.rootfsMounts.get(c.Id) ?? this.unmounted(c.Id).then(() => undefined);
    this.rootfsMounts.delete(c.Id);
    return {
      premounted,
      images: this.deps.images,
      networks: this.deps.networks,
      volumes: this.deps.volumes,
      runtime: this.deps.runtime,
      created: () => this.attaches.created(c, paths.stateDir),
      pidOf: (ref) => {
        const other = this.deps.registry.get(ref);
        if (!this.isRunning(other)) throw conflict(`cannot join network of a non running container: ${other.Id}`);
        return other.State.Pid;
      },
    };
  }

  /**
   * A state dir not torn down by this berthd may hold a half-made run of a berthd that died
   * during a start: clear it out (and let its shim record the end) before reusing the ID.
   */
  private async clearForRun(c: ContainerRecord, paths: ContainerPaths): Promise<void> {
    if (!this.tornDown.has(c.Id) && existsSync(paths.stateDir)) await this.clearStale(paths.stateDir, c.Id);
    this.tornDown.delete(c.Id);
  }

  private async run(c: ContainerRecord): Promise<void> {
    this.generation.set(c.Id, (this.generation.get(c.Id) ?? 0) + 1);
    const paths = this.deps.registry.paths(c.Id);
    const prepared = this.takePrepared(c.Id);
    if (!prepared) await this.clearForRun(c, paths);
    try {
      const deps = this.startDeps(c, paths);
      const started = prepared ? await finishStart(c, prepared.ready, deps) : await startContainer(c, paths, deps);
      c.State = { ...c.State, Status: 'running', Pid: started.pid, ExitCode: 0, Error: '', OOMKilled: false, StartedAt: new Date().toISOString(), FinishedAt: c.State.FinishedAt };
      c.HasBeenStarted = true;
      c.Network = { SandboxKey: started.sandbox?.netnsPath ?? '', Networks: started.sandbox?.endpoints ?? {}, Ports: started.sandbox?.ports ?? [] };
      const probe = probeOf(c.Config.Healthcheck);
      if (probe) c.State.Health = { Status: 'starting', FailingStreak: 0, Log: [] };
      else delete c.State.Health;
      await span(c.Id, 'start.save', this.deps.registry.save(c));
    } catch (err) {
      await this.teardown(c);
      // As for a start not prepared: its connects, then the disconnects of its undoing.
      prepared?.hold.release();
      const message = err instanceof Error ? err.message : String(err);
      c.State = { ...c.State, Status: c.HasBeenStarted ? 'exited' : 'created', Pid: 0, ExitCode: startFailureCode(message), Error: message };
      await this.deps.registry.save(c);
      // An AutoRemove container that cannot start goes away too (docker run --rm waits for it).
      if (c.HostConfig.AutoRemove) setImmediate(() => void this.autoRemove(c).catch(() => undefined));
      throw err;
    }
    prepared?.hold.release();
    this.watchExit(c);
    this.startHealth(c);
    this.deps.events.emit('container', 'start', c.Id, containerAttributes(c));
    mark(c.Id, 'start.done');
  }

  private async clearStale(stateDir: string, id: string): Promise<void> {
    await this.deps.runtime.driver.delete(id, true).catch(() => undefined);
    await this.waitShimGone(stateDir);
  }

  /** A shim whose container was deleted records its end and exits: wait for that (2 s at most). */
  private async waitShimGone(stateDir: string): Promise<void> {
    if (!this.shimAlive(stateDir, 0)) return;
    const ctl = new AbortController();
    await Promise.race([this.deps.runtime.waitForExit(stateDir, ctl.signal).catch(() => undefined), delay(2000)]);
    ctl.abort();
  }

  /** Undo a start: runtime state, network sandbox; idempotent and quiet. */
  private async teardown(c: ContainerRecord, runtimeGone = false): Promise<void> {
    this.stopHealth(c.Id);
    // Each teardown costs a runtime process: once per run is enough.
    if (this.tornDown.has(c.Id)) return;
    await Promise.all([
      runtimeGone ? undefined : span(c.Id, 'teardown.runtime-delete', this.deps.runtime.driver.delete(c.Id, true).catch(() => undefined)),
      // Off its networks now; the namespace and veth go in the background (a next run waits for them).
      networkKind(c).kind === 'bridge' ? span(c.Id, 'teardown.sandbox', this.deps.networks.removeSandbox(c.Id, { deferKernel: true }).catch(() => undefined)) : undefined,
    ]);
    this.tornDown.add(c.Id);
    c.Network = { SandboxKey: '', Networks: {}, Ports: [] };
  }

  private watchExit(c: ContainerRecord): void {
    const ctl = new AbortController();
    this.exitWatch.get(c.Id)?.abort();
    this.exitWatch.set(c.Id, ctl);
    const { stateDir } = this.deps.registry.paths(c.Id);
    const gen = this.generation.get(c.Id) ?? 0;
    this.shimCheck ??= setInterval(() => this.checkShims(), SHIM_CHECK_MS).unref();
    this.deps.runtime.waitForExit(stateDir, ctl.signal).then(
      (exit) => {
        mark(c.Id, 'exit.seen');
        if (this.exitWatch.get(c.Id) === ctl) this.exitWatch.delete(c.Id);
        void this.locked(c.Id, async () => {
          if (this.generation.get(c.Id) === gen) await this.exited(c, exit);
        });
      },
      () => undefined, // aborted: the container is being removed or berthd stops
    );
  }

  /**
   * A shim killed (OOM killer, kill -9) together with its container writes no exit record,
   * and nothing else would say the container is gone: each watched container whose shim is
   * gone and whose init is gone too gets the record the shim never wrote (255, as after a
   * reboot), which its exit watch then handles as any exit. A /proc read per container.
   */
  private checkShims(): void {
    if (this.exitWatch.size === 0) {
      clearInterval(this.shimCheck);
      this.shimCheck = undefined;
      return;
    }
    for (const id of this.exitWatch.keys()) {
      const c = this.deps.registry.find(id);
      if (!c || !this.isRunning(c)) continue;
      const { stateDir } = this.deps.registry.paths(id);
      if (this.shimAlive(stateDir, 0) || processAlive(c.State.Pid)) continue;
      try {
        this.deps.runtime.recordLostExit(stateDir);
      } catch {
        // the state dir went (a removal): nothing to record
      }
    }
  }

  private async exited(c: ContainerRecord, exit: ExitRecord): Promise<void> {
    if (!this.isRunning(c)) return;
    const startedMs = Date.parse(c.State.StartedAt);
    this.stopHealth(c.Id);
    // As dockerd: the runtime's task goes first (its record is written meanwhile: the
    // delete runs on if berthd dies), then waiters and `die` hear of the exit, then the
    // network is released (waiting callers need not wait for that).
    const runtimeGone = !this.tornDown.has(c.Id);
    c.State = { ...c.State, Status: 'exited', Pid: 0, ExitCode: exit.exitCode, OOMKilled: exit.oomKilled ?? false, FinishedAt: exit.exitedAt };
    const restart = shouldRestart(c.HostConfig.RestartPolicy, { exitCode: exit.exitCode, restartCount: c.RestartCount, manuallyStopped: c.ManuallyStopped });
    if (restart) c.State.Status = 'restarting';
    // An AutoRemove container is going: nothing it does next needs the runtime's task
    // gone (its cgroups and state dir), so that finishes in the background (close() waits).
    const goes = !restart && c.HostConfig.AutoRemove;
    const deleting = runtimeGone ? span(c.Id, 'exit.runtime-delete', this.deps.runtime.driver.delete(c.Id, true).catch(() => undefined)) : undefined;
    if (goes && deleting) this.background.run(c.Id, () => deleting);
    // Its record is not written either: the removal renames it into the trash in a moment,
    // and a berthd that dies before that reads the exit again from the shim's exit.json
    // (kept until the removal) at restore, then removes the container.
    await Promise.all([goes ? undefined : deleting, goes ? undefined : this.deps.registry.save(c)]);
    this.deps.events.emit('container', 'die', c.Id, containerAttributes(c, { exitCode: String(exit.exitCode) }));
    this.waiters.exited(c.Id, exit.exitCode);
    mark(c.Id, 'exit.waiters');
    await span(c.Id, 'exit.teardown', this.teardown(c, runtimeGone));
    mark(c.Id, 'exit.done');
    // An AutoRemove container's record is about to go: no need to write it again.
    if (!goes) await this.deps.registry.save(c);
    // As dockerd: a stopped container's rootfs is not left mounted (its next start, or a
    // docker cp, mounts it again, after this). Not for a restart, nor for a removal that
    // follows now. In the background: a stop's answer need not wait for it.
    if (!restart && !goes && !this.rootfsUsers.has(c.Id)) this.unmountInBackground(c);
    if (restart) this.scheduleRestart(c, Date.parse(exit.exitedAt) - startedMs);
    else if (goes) void this.autoRemove(c).catch(() => undefined);
  }

  private scheduleRestart(c: ContainerRecord, ranMs: number): void {
    const delay = nextBackoff(this.backoff.get(c.Id) ?? 0, Number.isFinite(ranMs) ? ranMs : 0);
    this.backoff.set(c.Id, delay);
    const timer = setTimeout(() => {
      this.restartTimers.delete(c.Id);
      void this.locked(c.Id, async () => {
        if (c.State.Status !== 'restarting' || c.ManuallyStopped) return;
        c.RestartCount += 1;
        await this.run(c).catch(async (err: unknown) => {
          c.State.Error = err instanceof Error ? err.message : String(err);
          // A failed start counts as a failed run: the policy decides again, with back-off.
          if (shouldRestart(c.HostConfig.RestartPolicy, { exitCode: c.State.ExitCode, restartCount: c.RestartCount, manuallyStopped: c.ManuallyStopped })) {
            c.State.Status = 'restarting';
            await this.deps.registry.save(c);
            this.scheduleRestart(c, 0);
          }
        });
      });
    }, delay);
    this.restartTimers.set(c.Id, timer);
  }

  private cancelRestart(id: string): void {
    const t = this.restartTimers.get(id);
    if (t) clearTimeout(t);
    this.restartTimers.delete(id);
  }

  /** Docker's stop: the stop signal, then SIGKILL after the timeout. false when not running (304). */
  stop(c: ContainerRecord, timeoutS?: number, signal?: string): Promise<boolean> {
    return this.locked(c.Id, async () => {
      c.ManuallyStopped = true;
      if (c.State.Status === 'restarting') {
        this.cancelRestart(c.Id);
        c.State.Status = 'exited';
        await this.deps.registry.save(c);
        return true;
      }
      if (!this.isRunning(c)) {
        await this.deps.registry.save(c);
        return false;
      }
      await this.stopRunning(c, timeoutS ?? c.Config.StopTimeout ?? DEFAULT_STOP_TIMEOUT_S, signal ?? c.Config.StopSignal ?? 'SIGTERM');
      this.deps.events.emit('container', 'stop', c.Id, containerAttributes(c));
      return true;
    });
  }

  /** Inside the lock: signal, wait, escalate; returns once the exit is processed. */
  private async stopRunning(c: ContainerRecord, timeoutS: number, signal: string): Promise<void> {
    if (c.State.Status === 'paused') await this.deps.runtime.driver.resume(c.Id).catch(() => undefined);
    const exit = this.nextExit(c);
    if (timeoutS !== 0) {
      // From the stop signal on, a kill may come through without the lock (see kill()).
      this.stopping.add(c.Id);
      const grace = timeoutS < 0 ? undefined : cancellableDelay(timeoutS * 1000);
      try {
        await this.signal(c, signal);
        const ok = grace ? await Promise.race([exit.then(() => true), grace.done.then(() => false)]) : await exit.then(() => true);
        if (ok) return await this.processExit(c, await exit);
      } finally {
        grace?.cancel();
        this.stopping.delete(c.Id);
      }
    }
    await this.signal(c, 'SIGKILL');
    await this.processExit(c, await exit);
  }

  /** The exit record of the current run (from the shim's exit.json). */
  private nextExit(c: ContainerRecord): Promise<ExitRecord> {
    return this.deps.runtime.waitForExit(this.deps.registry.paths(c.Id).stateDir);
  }

  /** Exits seen inside a lock are handled here; the watcher's later call finds it not running. */
  private async processExit(c: ContainerRecord, exit: ExitRecord): Promise<void> {
    this.exitWatch.get(c.Id)?.abort();
    this.exitWatch.delete(c.Id);
    await this.exited(c, exit);
  }

  private async signal(c: ContainerRecord, signal: string): Promise<void> {
    const num = signalNumber(signal);
    this.deps.events.emit('container', 'kill', c.Id, containerAttributes(c, { signal: String(num) }));
    try {
      await this.deps.runtime.driver.kill(c.Id, num, true, this.deps.registry.paths(c.Id).stateDir);
    } catch (err) {
      // Exited a moment ago (its exit is being processed): nothing left to signal. The
      // init's pid is never signalled directly: it may already belong to someone else.
      const { stateDir } = this.deps.registry.paths(c.Id);
      const exit = await this.deps.runtime.readExitRecord(stateDir).catch(() => undefined);
      if (exit) return;
      // Nothing to signal and no shim (killed): the exit it never recorded is recorded now
      // (255, as restore() does), which ends the waits on it: stop, kill and rm -f go on.
      if (!this.shimAlive(stateDir, 0)) {
        this.deps.runtime.recordLostExit(stateDir);
        return;
      }
      throw err;
    }
  }

  /** `ref`: the container as the request named it (dockerd's message repeats it). */
  kill(c: ContainerRecord, signal = 'SIGKILL', ref = c.Id): Promise<void> {
    const send = async (): Promise<void> => {
      if (!this.isRunning(c)) throw conflict(`Cannot kill container: ${ref}: Container ${c.Id} is not running`);
      const num = signalNumber(signal);
      if (num === 9 || num === signalNumber(c.Config.StopSignal ?? 'SIGTERM')) c.ManuallyStopped = true;
      await this.signal(c, signal);
    };
    // As Docker: a stop waiting out its grace period does not hold a kill back (a second
    // Ctrl-C). The stop's own wait then sees the exit and processes it under its lock.
    if (this.stopping.has(c.Id)) return send();
    return this.locked(c.Id, send);
  }

  restart(c: ContainerRecord, timeoutS?: number, signal?: string): Promise<void> {
    return this.locked(c.Id, async () => {
      this.cancelRestart(c.Id);
      if (this.isRunning(c)) {
        c.ManuallyStopped = true;
        await this.stopRunning(c, timeoutS ?? c.Config.StopTimeout ?? DEFAULT_STOP_TIMEOUT_S, signal ?? c.Config.StopSignal ?? 'SIGTERM');
      }
      c.ManuallyStopped = false;
      await this.run(c);
      this.deps.events.emit('container', 'restart', c.Id, containerAttributes(c));
    });
  }

  pause(c: ContainerRecord): Promise<void> {
    return this.locked(c.Id, async () => {
      if (c.State.Status === 'paused') throw conflict(`Container ${c.Id} is already paused`);
      if (c.State.Status !== 'running') throw conflict(`Container ${c.Id} is not running`);
      await this.deps.runtime.driver.pause(c.Id);
      c.State.Status = 'paused';
      await this.deps.registry.save(c);
      this.deps.events.emit('container', 'pause', c.Id, containerAttributes(c));
    });
  }

  unpause(c: ContainerRecord): Promise<void> {
    return this.locked(c.Id, async () => {
      // dockerd 20.10's plain error (a 500), unlike pause's conflicts.
      if (c.State.Status !== 'paused') throw internal(`Container ${c.Id} is not paused`);
      await this.deps.runtime.driver.resume(c.Id);
      c.State.Status = 'running';
      await this.deps.registry.save(c);
      this.deps.events.emit('container', 'unpause', c.Id, containerAttributes(c));
    });
  }

  /**
   * Mount a new container's rootfs now, in the background: its start uses the mount (or
   * mounts again if this one failed, and reports that error), a removal waits for it.
   */
  premount(c: ContainerRecord): void {
    const dir = this.deps.registry.paths(c.Id).dir;
    this.rootfsMounts.set(c.Id, span(c.Id, 'create.premount', this.deps.images.mountRootfs(c.ImageId, dir)).catch(() => undefined));
  }

  /**
   * `use` with the container's rootfs mounted (docker cp): a container that has run and
   * stopped has it unmounted again once the last such use ends, as dockerd does. A created
   * container keeps it: its start uses the mount made at create.
   */
  async withRootfs<T>(c: ContainerRecord, use: (rootfs: string) => Promise<T>): Promise<T> {
    // Counted first: an exit from now on leaves the rootfs mounted; one already unmounting it
    // is waited for. No lock: a copy need not wait behind a stop's grace period.
    this.rootfsUsers.set(c.Id, (this.rootfsUsers.get(c.Id) ?? 0) + 1);
    try {
      await this.unmounted(c.Id);
      return await use(await this.deps.images.mountRootfs(c.ImageId, this.deps.registry.paths(c.Id).dir));
    } finally {
      const left = (this.rootfsUsers.get(c.Id) ?? 1) - 1;
      if (left > 0) this.rootfsUsers.set(c.Id, left);
      else this.rootfsUsers.delete(c.Id);
      // The last copy of a stopped container unmounts, in the lock: not under a start's feet.
      if (left === 0 && stoppedAfterRun(c)) {
        await this.locked(c.Id, async () => (this.rootfsUsers.has(c.Id) || !stoppedAfterRun(c) ? undefined : this.unmountRootfs(c)), { keepPrepared: true });
      }
    }
  }

  /**
   * Unmount a stopped container's rootfs without holding anything up. A next mount waits for it
   * (unmounted()), berthd's stop too (background). Not through the background queue itself: a
   * start waiting on that queue under the container's lock could wait for work that waits for
   * the lock (close() queues such work).
   */
  private unmountInBackground(c: ContainerRecord): void {
    const p: Promise<void> = span(c.Id, 'exit.unmount', this.unmountRootfs(c)).finally(() => {
      if (this.exitUnmounts.get(c.Id) === p) this.exitUnmounts.delete(c.Id);
    });
    this.exitUnmounts.set(c.Id, p);
    this.background.run(c.Id, () => p);
  }

  /** Resolves once no unmount of the container's rootfs after an exit is under way. */
  private unmounted(id: string): Promise<void> {
    return this.exitUnmounts.get(id) ?? Promise.resolve();
  }

  /** Unmount the rootfs of a container that stopped; quiet (a removal unmounts it at the latest). */
  private async unmountRootfs(c: ContainerRecord): Promise<void> {
    await this.deps.images.unmountRootfs(this.deps.registry.paths(c.Id).dir).catch(() => undefined);
  }

  /** Make a container stoppable for removal: kill it (force) and release what it holds. */
  async prepareRemove(c: ContainerRecord, force: boolean): Promise<void> {
    const premount = this.rootfsMounts.get(c.Id);
    this.rootfsMounts.delete(c.Id);
    await premount;
    await this.locked(c.Id, async () => {
      if (this.isRunning(c)) {
        if (!force) {
          throw conflict(`You cannot remove a ${c.State.Status} container ${c.Id}. ${c.State.Status === 'paused' ? 'Unpause and then stop' : 'Stop'} the container before attempting removal or force remove`);
        }
        c.ManuallyStopped = true;
        await this.stopRunning(c, 0, 'SIGKILL');
      }
      this.cancelRestart(c.Id);
      this.exitWatch.get(c.Id)?.abort();
      this.exitWatch.delete(c.Id);
      // A container never started has no runtime state or sandbox to release.
      if (c.HasBeenStarted || c.State.Error !== '') await this.teardown(c);
      c.State.Status = 'removing';
    });
  }

  private startHealth(c: ContainerRecord): void {
    const probe = probeOf(c.Config.Healthcheck);
    if (!probe || !c.State.Health) return;
    let user: ResolvedUser | undefined;
    let streak = c.State.Health.FailingStreak;
    const monitor = new HealthMonitor(probe, c.State.Health, Date.parse(c.State.StartedAt), {
      exec: async (argv, signal) => {
        // Probes run as the container's own user, as Docker runs them. A user that cannot be
        // resolved fails the probe (Docker's exec fails too) instead of running it as root.
        mark(c.Id, 'health.probe');
        user ??= await span(c.Id, 'health.user', resolveUser(this.deps.registry.paths(c.Id).rootfs, c.Config.User));
        const r = await span(c.Id, 'health.exec', this.deps.runtime.driver.exec(c.Id, { args: argv, env: c.Config.Env, cwd: c.Config.WorkingDir || '/', user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids } }, { signal, maxOutputBytes: 4096 }));
        return { exitCode: r.exitCode, output: r.stdout.toString('utf8') + r.stderr.toString('utf8') };
      },
      onResult: (state, changed) => {
        // The event first: the record's write is a sync file write (~2 ms under load), and
        // the next container of a depends_on: service_healthy chain waits for this event.
        if (changed) {
          mark(c.Id, `health.${state.Status}`);
          this.deps.events.emit('container', `health_status: ${state.Status}`, c.Id, containerAttributes(c));
        }
        // A change of Status or FailingStreak is written at once; a probe that only adds to
        // the Log (a healthy container's passes, every interval) is written within
        // HEALTH_SAVE_DELAY_MS, once for all the results of that time: with a 100 ms
        // interval, writing each result cost berthd ~10% of its time (inspect reads memory;
        // the file is for a berthd restart).
        const pending = this.healthSaves.get(c.Id);
        if (changed || state.FailingStreak !== streak) {
          clearTimeout(pending);
          this.healthSaves.delete(c.Id);
          void this.deps.registry.save(c).catch(() => undefined);
        } else if (!pending) {
          const timer = setTimeout(() => {
            this.healthSaves.delete(c.Id);
            void this.deps.registry.save(c).catch(() => undefined);
          }, HEALTH_SAVE_DELAY_MS);
          timer.unref();
          this.healthSaves.set(c.Id, timer);
        }
        streak = state.FailingStreak;
      },
    });
    this.stopHealth(c.Id);
    this.health.set(c.Id, monitor);
    monitor.start();
  }

  private stopHealth(id: string): void {
    this.health.get(id)?.stop();
    this.health.delete(id);
    clearTimeout(this.healthSaves.get(id));
    this.healthSaves.delete(id);
  }

  /** After a berthd restart: re-attach to running containers, account for the ones that exited meanwhile. */
  async restore(c: ContainerRecord): Promise<void> {
    const { stateDir } = this.deps.registry.paths(c.Id);
    if (c.State.Status === 'running' || c.State.Status === 'paused') {
      const exit = await this.deps.runtime.readExitRecord(stateDir).catch(() => undefined);
      if (exit) return this.locked(c.Id, () => this.exited(c, exit));
      if (!this.shimAlive(stateDir, c.State.Pid)) {
        // Neither a shim nor an exit record: the host rebooted or the shim was killed.
        return this.locked(c.Id, () => this.exited(c, { exitCode: 255, exitedAt: new Date().toISOString() }));
      }
      this.watchExit(c);
      this.startHealth(c);
      return;
    }
    // A start prepared (or begun) by a berthd that died before it finished: undone, as it would
    // have been. Its shim may have died with berthd; its sandbox is still on record then.
    if ((c.State.Status === 'created' || c.State.Status === 'exited') && (this.deps.runtime.isShimAlive(stateDir) === true || this.deps.networks.hasSandbox(c.Id))) {
      await this.locked(c.Id, async () => {
        await this.teardown(c);
        await this.waitShimGone(stateDir);
      });
    }
    if (c.State.Status === 'restarting' || (c.HasBeenStarted && restartOnDaemonStart(c.HostConfig.RestartPolicy, c.ManuallyStopped))) {
      c.State.Status = 'exited';
      await this.start(c).catch((err: unknown) => {
        c.State.Error = err instanceof Error ? err.message : String(err);
      });
    } else if (c.State.Status === 'exited') {
      // Still mounted if a berthd died between the exit and the unmount.
      this.unmountInBackground(c);
    }
  }

  /** berthd is stopping: watchers and timers end, containers keep running. */
  close(): void {
    this.closed = true;
    for (const ctl of this.exitWatch.values()) ctl.abort();
    clearInterval(this.shimCheck);
    this.shimCheck = undefined;
    // Health results not yet written go now (the records outlive this berthd).
    for (const id of this.healthSaves.keys()) {
      const c = this.deps.registry.find(id);
      if (c) void this.deps.registry.save(c).catch(() => undefined);
    }
    for (const id of [...this.health.keys()]) this.stopHealth(id);
    for (const id of [...this.restartTimers.keys()]) this.cancelRestart(id);
    // Prepared starts are undone (drain() waits), those still being prepared once they are
    // (the no-op waits behind them in the lock): only started containers outlive berthd.
    for (const id of new Set([...this.prepared.keys(), ...this.preparing])) this.background.run(id, () => this.locked(id, async () => undefined));
  }

  /** The shim owns the container: it alive means the container is (or its exit is coming). */
  private shimAlive(stateDir: string, initPid: number): boolean {
    // no shim.pid: judge by the init
    return this.deps.runtime.isShimAlive(stateDir) ?? processAlive(initPid);
  }

  /** Is the container's process still there (for inspect after restore). */
  assertRunning(c: ContainerRecord): void {
    if (!this.isRunning(c)) throw conflict(`Container ${c.Id} is not running`);
    if (c.State.Status === 'paused') throw conflict(`Container ${c.Id} is paused, unpause the container before exec`);
  }
}

/** How often checkShims looks (a shim killed with its container is noticed within this). */
const SHIM_CHECK_MS = 2000;

/** There, and not a zombie (an orphaned init waits as one until the host's init reaps it). */
function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** A timer that can be dropped once the thing it bounds is over (no idle timer left behind). */
function cancellableDelay(ms: number): { done: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { done, cancel: () => clearTimeout(timer) };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Docker's exit codes for a command that could not be started. */
function startFailureCode(message: string): number {
  if (/executable file not found|no such file or directory/i.test(message)) return 127;
  if (/permission denied/i.test(message)) return 126;
  return 128;
}

/** It has run and stopped (not created, not running, not restarting). */
function stoppedAfterRun(c: ContainerRecord): boolean {
  return c.State.Status === 'exited' || c.State.Status === 'dead';
}
