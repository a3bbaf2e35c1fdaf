import path from 'node:path';
import { Background } from '../background.js';
import { Trash } from './trash.js';
import { removeStateDir } from './state-dir.js';
import { conflict } from '../../errors.js';
import type { EventBus } from '../events.js';
import type { ImageService, NetworkService } from '../types.js';
import type { LocalVolumes } from '../volumes/local-volumes.js';
import { matchesListFilters } from './container-queries.js';
import { ContainerRegistry } from './container-registry.js';
import { applyUpdate, containerAttributes, createContainer, renameContainer, type ServiceDeps } from './container-service.js';
import { ContainerStore } from './container-store.js';
import { rewriteCgroup } from './cgroup-update.js';
import { Lifecycle } from './lifecycle.js';
import { connectContainer, disconnectContainer, type ConnectRequest } from './network-connect.js';
import type { ContainerRecord, HostConfig } from './model.js';
import { inspectShape, listShape } from './present.js';
import type { RuntimePort } from './runtime-port.js';
import type { CreateRequest } from './validate-create.js';
import type { WaitResult } from './waiters.js';
import { mark, span } from '../trace.js';

// The container side of the engine, as the routes see it: records (create, rename, update,
// remove, list, inspect) plus the lifecycle (start, stop, ...), on one registry.

export interface ContainersOptions {
  root: string;
  run: string;
  images: ImageService;
  networks: NetworkService;
  volumes: LocalVolumes;
  runtime: RuntimePort;
  events: EventBus;
}

export class Containers {
  readonly registry: ContainerRegistry;
  readonly lifecycle: Lifecycle;
  readonly deps: ServiceDeps;
  private readonly removing = new Set<string>();
  /** Rootfs unmounts and directory deletions of removed containers (after the answer). */
  readonly background = new Background();
  private readonly trash: Trash;

  constructor(readonly opts: ContainersOptions) {
    this.registry = new ContainerRegistry(new ContainerStore(opts.root), opts.run);
    this.deps = { registry: this.registry, images: opts.images, networks: opts.networks, volumes: opts.volumes, runtime: opts.runtime, events: opts.events };
    this.lifecycle = new Lifecycle(this.deps);
    this.lifecycle.autoRemove = (c) => this.remove(c.Id, { force: true, volumes: true });
    this.trash = new Trash(path.join(opts.root, 'trash'), (dir) => opts.images.unmountRootfs(dir));
    opts.volumes.setUsers((name) => this.registry.all().filter((c) => c.Mounts.some((m) => m.Type === 'volume' && m.Name === name)).map((c) => c.Id));
  }

  /** Load the records and re-attach to what still runs (live restore). */
  async load(): Promise<void> {
    await this.trash.emptyAll();
    const records = await new ContainerStore(this.opts.root).loadAll();
    for (const c of records) {
      if (c.State.Status === 'removing') c.State.Status = 'dead';
      this.registry.add(c);
    }
    await Promise.all(records.map((c) => this.lifecycle.restore(c).catch(() => undefined)));
  }

  get(ref: string): ContainerRecord {
    return this.registry.get(ref);
  }

  /** `startNext`: the client says a start follows at once (berth's `container run`): it is prepared now. */
  create(name: string | null, req: CreateRequest, opts: { startNext?: boolean } = {}): Promise<{ Id: string; Warnings: string[] }> {
    const t = performance.now();
    return createContainer(this.deps, name, req).then((r) => {
      mark(r.Id, `create ${(performance.now() - t).toFixed(1)}ms`);
      const c = this.registry.get(r.Id);
      this.lifecycle.premount(c);
      if (opts.startNext) this.lifecycle.prepare(c);
      return r;
    });
  }

  /** A start announced ahead of its request (POST /containers/{id}/prepare-start): prepared now. */
  prepareStart(ref: string): void {
    this.lifecycle.prepare(this.get(ref), { early: true });
  }

  start(ref: string): Promise<boolean> {
    return this.lifecycle.start(this.get(ref));
  }

  stop(ref: string, timeoutS?: number, signal?: string): Promise<boolean> {
    return this.lifecycle.stop(this.get(ref), timeoutS, signal);
  }

  restart(ref: string, timeoutS?: number, signal?: string): Promise<void> {
    return this.lifecycle.restart(this.get(ref), timeoutS, signal);
  }

  kill(ref: string, signal?: string): Promise<void> {
    return this.lifecycle.kill(this.get(ref), signal, ref);
  }

  pause(ref: string): Promise<void> {
    return this.lifecycle.pause(this.get(ref));
  }

  unpause(ref: string): Promise<void> {
    return this.lifecycle.unpause(this.get(ref));
  }

  /** `POST /networks/{id}/connect`: running or not (network-connect.ts). */
  connectNetwork(ref: string, network: string, req: ConnectRequest): Promise<void> {
    const c = this.get(ref);
    return this.lifecycle.locked(c.Id, () => connectContainer({ networks: this.deps.networks, save: (r) => this.registry.save(r) }, c, network, req));
  }

  disconnectNetwork(ref: string, network: string, force = false): Promise<void> {
    const c = this.get(ref);
    return this.lifecycle.locked(c.Id, () => disconnectContainer({ networks: this.deps.networks, save: (r) => this.registry.save(r) }, c, network, force));
  }

  async rename(ref: string, name: string): Promise<void> {
    // A prepared start's sandbox answers DNS for the old name.
    await this.lifecycle.unprepare(this.get(ref).Id);
    return renameContainer(this.deps, ref, name);
  }

  async update(ref: string, body: Partial<HostConfig>): Promise<{ Warnings: string[] }> {
    const c = this.get(ref);
    // A prepared start's bundle has the old limits.
    await this.lifecycle.unprepare(c.Id);
    applyUpdate(c, body);
    if (this.lifecycle.isRunning(c)) await rewriteCgroup(c.Id, c.HostConfig);
    await this.registry.save(c);
    this.opts.events.emit('container', 'update', c.Id, containerAttributes(c));
    return { Warnings: [] };
  }

  /** Docker's wait conditions: not-running (default), next-exit, removed. */
  wait(ref: string, condition: string, signal?: AbortSignal): Promise<WaitResult> {
    const c = this.get(ref);
    if (condition === 'removed') return this.lifecycle.waiters.removed(c.Id, signal);
    if (condition === 'not-running' && !this.lifecycle.isRunning(c) && c.State.Status !== 'restarting') {
      return Promise.resolve({ StatusCode: c.State.ExitCode, Error: null });
    }
    return this.lifecycle.waiters.nextExit(c.Id, signal);
  }

  async remove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const c = this.get(ref);
    // Claimed before any await: an AutoRemove and a client's DELETE may arrive together.
    if (c.State.Status === 'removing' || this.removing.has(c.Id)) throw conflict(`removal of container ${c.Id} is already in progress`);
    this.removing.add(c.Id);
    try {
      await this.removeClaimed(c, opts);
    } finally {
      this.removing.delete(c.Id);
    }
  }

  private async removeClaimed(c: ContainerRecord, opts: { force?: boolean; volumes?: boolean }): Promise<void> {
    mark(c.Id, 'remove.begin');
    await span(c.Id, 'remove.prepare', this.lifecycle.prepareRemove(c, opts.force ?? false));
    const paths = this.registry.paths(c.Id);
    try {
      // The record goes with its directory in one rename; the rootfs unmount and the
      // delete follow in the background (the answer does not wait for the kernel).
      // Sync calls: a handful of files and one rename, not thread-pool round trips.
      removeStateDir(paths.stateDir);
      const trashed = await span(c.Id, 'remove.files', this.trash.take(paths.dir, c.Id));
      if (trashed) this.background.run(c.Id, () => this.trash.empty(trashed), (err) => console.error(`berthd: removing ${c.Id}: ${String(err)}`));
    } catch (err) {
      // Half removed: Docker's "dead", which a later remove may finish.
      c.State.Status = 'dead';
      await this.registry.save(c).catch(() => undefined);
      throw err;
    }
    this.registry.delete(c);
    if (opts.volumes) {
      for (const m of c.Mounts) {
        if (m.Type !== 'volume' || !m.Name || !m.Anonymous) continue;
        await this.opts.volumes.remove(m.Name).catch(() => undefined); // still used by another container
      }
    }
    this.opts.events.emit('container', 'destroy', c.Id, containerAttributes(c));
    this.lifecycle.waiters.gone(c.Id, c.State.ExitCode);
    mark(c.Id, 'remove.done');
  }

  async list(all: boolean, filters: Record<string, string[]>, limit = -1): Promise<Record<string, unknown>[]> {
    const now = Date.now();
    const sorted = this.registry.all().sort((a, b) => Date.parse(b.Created) - Date.parse(a.Created));
    const out: Record<string, unknown>[] = [];
    for (const c of sorted) {
      if (!all && !this.lifecycle.isRunning(c) && filters.status === undefined) continue;
      if (!(await matchesListFilters(c, filters, this.opts.images))) continue;
      out.push(listShape(c, now));
      if (limit > 0 && out.length >= limit) break;
    }
    return out;
  }

  inspect(ref: string): Record<string, unknown> {
    const c = this.get(ref);
    const paths = this.registry.paths(c.Id);
    return inspectShape(c, { logPath: paths.logPath, containerDir: paths.dir });
  }

  imageInUse(imageId: string): boolean {
    return this.registry.all().some((c) => c.ImageId === imageId);
  }

  close(): void {
    this.lifecycle.close();
  }

  /** Background clean-up finished (berthd stopping). */
  async drain(): Promise<void> {
    await Promise.all([this.background.drain(), this.lifecycle.background.drain()]);
  }
}
