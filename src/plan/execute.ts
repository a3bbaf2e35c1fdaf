import type { NetworkCreateRequest } from '../engine/types.js';
import type { ContainerCreateBody, EndpointConfig } from '../client/api/wire.js';
import type { VolumeCreateBody } from '../client/api/volumes.js';
import type { InlineFile } from './container-mounts.js';
import { setMaxListeners } from 'node:events';
import { BerthError, isBerthError } from '../errors.js';
import { event, type ExpectedResource, type ProgressSink, type ProgressStatus } from '../progress/events.js';
import { subjectOf, type Operation, type Plan, type PlanNode } from './plan.js';

// Walks a plan's DAG: an operation runs once all its dependencies are done; independent
// operations run in parallel, at most `parallel` engine calls at once (waits on events do
// not count). It decides nothing: each node is one call on the engine below. The first
// failure stops new work, cancels waits and is thrown once the in-flight calls settle.

export interface PlanEngine {
  imageExists(image: string): Promise<boolean>;
  createNetwork(body: NetworkCreateRequest): Promise<void>;
  removeNetwork(name: string): Promise<void>;
  createVolume(body: VolumeCreateBody): Promise<void>;
  removeVolume(name: string): Promise<void>;
  /** Create, then write `files` into it (secrets and configs given inline) before anything starts it. */
  createContainer(name: string, body: ContainerCreateBody, files?: readonly InlineFile[]): Promise<void>;
  connectNetwork(container: string, network: string, endpoint: EndpointConfig): Promise<void>;
  /** The start of `name` is near: an engine that can prepares it (berthd); others ignore it. */
  prepareStart(name: string): Promise<void>;
  startContainer(name: string): Promise<void>;
  stopContainer(name: string, timeout?: number): Promise<void>;
  restartContainer(name: string, timeout?: number): Promise<void>;
  killContainer(name: string, signal?: string): Promise<void>;
  pauseContainer(name: string): Promise<void>;
  unpauseContainer(name: string): Promise<void>;
  renameContainer(name: string, to: string): Promise<void>;
  removeContainer(name: string, opts: { volumes: boolean; force: boolean }): Promise<void>;
  removeImage(image: string): Promise<void>;
  awaitHealthy(container: string, signal: AbortSignal): Promise<void>;
  awaitExit(container: string, requireZero: boolean, signal: AbortSignal): Promise<number>;
  /** Resolves to the status reached: 'Healthy' or 'Running'. */
  awaitReady(container: string, signal: AbortSignal): Promise<'Healthy' | 'Running'>;
}

export interface ExecuteOptions {
  /** Maximum engine calls in flight; <= 0 for unlimited. */
  parallel?: number;
  progress: ProgressSink;
  signal?: AbortSignal;
}

const WAITS = new Set<Operation['kind']>(['AwaitHealthy', 'AwaitExit', 'AwaitReady']);

export async function execute(plan: Plan, engine: PlanEngine, options: ExecuteOptions): Promise<void> {
  for (const w of plan.warnings) options.progress.note(w);
  // Kept containers first: a tty renderer starts drawing at begin().
  for (const name of plan.kept ?? []) options.progress.emit(event('Container', name, 'Running'));
  options.progress.begin?.(expectedResources(plan));
  const limit = options.parallel !== undefined && options.parallel > 0 ? options.parallel : Infinity;
  const remaining = new Map<number, number>(plan.nodes.map((n) => [n.id, n.deps.length]));
  const dependents = new Map<number, PlanNode[]>();
  for (const n of plan.nodes) for (const d of n.deps) dependents.set(d, [...(dependents.get(d) ?? []), n]);
  const ready: PlanNode[] = plan.nodes.filter((n) => n.deps.length === 0);
  const abort = new AbortController();
  // Every wait in flight listens on it (30 services are 30 listeners): not a leak.
  setMaxListeners(0, abort.signal);
  const onOuterAbort = () => abort.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let failure: unknown;
  let calls = 0;
  let inFlight = 0;

  await new Promise<void>((resolve) => {
    const pump = () => {
      if (failure !== undefined || abort.signal.aborted) {
        if (inFlight === 0) resolve();
        return;
      }
      for (let i = 0; i < ready.length; ) {
        const node = ready[i] as PlanNode;
        const isWait = WAITS.has(node.op.kind);
        if (!isWait && calls >= limit) {
          i++;
          continue;
        }
        ready.splice(i, 1);
        if (!isWait) calls++;
        inFlight++;
        run(node, engine, options.progress, abort.signal).then(
          () => {
            for (const next of dependents.get(node.id) ?? []) {
              const left = (remaining.get(next.id) ?? 1) - 1;
              remaining.set(next.id, left);
              if (left === 0) ready.push(next);
            }
          },
          (err: unknown) => {
            if (failure === undefined) failure = err;
            abort.abort();
          },
        ).finally(() => {
          if (!isWait) calls--;
          inFlight--;
          pump();
        });
      }
      if (inFlight === 0) resolve();
    };
    pump();
  });
  options.signal?.removeEventListener('abort', onOuterAbort);
  if (failure !== undefined) throw failure;
  if (options.signal?.aborted) throw new BerthError('canceled', 'canceled');
}

async function run(node: PlanNode, engine: PlanEngine, progress: ProgressSink, signal: AbortSignal): Promise<void> {
  const op = node.op;
  const subject = subjectOf(op);
  const say = (status: ProgressStatus, detail?: string) => progress.emit(event(subject.type, subject.name, status, detail));
  const step = async (doing: ProgressStatus, done: ProgressStatus, call: () => Promise<unknown>) => {
    say(doing);
    try {
      await call();
    } catch (err) {
      say('Error', messageOf(err));
      throw err;
    }
    say(done);
  };
  const recreating = node.reason === 'config hash changed' || node.reason === 'forced recreate';
  switch (op.kind) {
    case 'CheckImage':
      if (op.policy === 'always') {
        throw new BerthError('invalid', `service ${op.service}: pull_policy "always" needs a registry; this version of berth uses local images only (berth import)`);
      }
      if (!(await engine.imageExists(op.image))) {
        throw new BerthError('not_found', `service ${op.service}: image ${op.image} is not present locally (berth does not pull in this version: load it with \`berth import\` or \`berth load\`)`);
      }
      return;
    case 'CreateNetwork':
      return step('Creating', 'Created', () => engine.createNetwork(op.body));
    case 'RemoveNetwork':
      return step('Removing', 'Removed', () => engine.removeNetwork(op.network));
    case 'CreateVolume':
      return step('Creating', 'Created', () => engine.createVolume(op.body));
    case 'RemoveVolume':
      return step('Removing', 'Removed', () => engine.removeVolume(op.volume));
    case 'CreateContainer':
      return step(recreating ? 'Recreate' : 'Creating', recreating ? 'Recreated' : 'Created', () => engine.createContainer(op.container, op.body, op.files).catch((err: unknown) => {
        throw wrap(err, `service ${op.service}: cannot create container ${op.container}`);
      }));
    case 'ConnectNetwork':
      return engine.connectNetwork(op.container, op.network, op.endpoint);
    case 'PrepareStart':
      // Silent, and never a failure: the start does all of it when the hint came to nothing.
      return engine.prepareStart(op.container).catch(() => undefined);
    case 'StartContainer':
      return step('Starting', 'Started', () => engine.startContainer(op.container).catch((err: unknown) => {
        throw wrap(err, `service ${op.service}: cannot start container ${op.container}`);
      }));
    case 'StopContainer':
      return step('Stopping', 'Stopped', () => engine.stopContainer(op.container, op.timeout));
    case 'RestartContainer':
      return step('Restarting', 'Restarted', () => engine.restartContainer(op.container, op.timeout));
    case 'KillContainer':
      return step('Killing', 'Killed', () => engine.killContainer(op.container, op.signal));
    case 'PauseContainer':
      return step('Pausing', 'Paused', () => engine.pauseContainer(op.container));
    case 'UnpauseContainer':
      return step('Unpausing', 'Unpaused', () => engine.unpauseContainer(op.container));
    case 'RenameContainer':
      return engine.renameContainer(op.container, op.to);
    case 'RemoveContainer':
      if (node.reason === 'replaced') return engine.removeContainer(op.container, { volumes: op.volumes, force: op.force });
      return step('Removing', 'Removed', () => engine.removeContainer(op.container, { volumes: op.volumes, force: op.force }));
    case 'RemoveImage':
      return step('Removing', 'Removed', () => engine.removeImage(op.image));
    case 'AwaitHealthy':
      return step('Waiting', 'Healthy', () => engine.awaitHealthy(op.container, signal));
    case 'AwaitExit':
      say('Waiting');
      try {
        const code = await engine.awaitExit(op.container, op.requireZero, signal);
        say('Exited', String(code));
      } catch (err) {
        say('Error', messageOf(err));
        throw err;
      }
      return;
    case 'AwaitReady':
      say('Waiting');
      try {
        say(await engine.awaitReady(op.container, signal));
      } catch (err) {
        say('Error', messageOf(err));
        throw err;
      }
      return;
  }
}

/** Nodes that report progress, counted per resource (the tty renderer's lines). */
export function expectedResources(plan: Plan): ExpectedResource[] {
  const out = new Map<string, ExpectedResource>();
  for (const node of plan.nodes) {
    const k = node.op.kind;
    if (k === 'CheckImage' || k === 'ConnectNetwork' || k === 'RenameContainer' || k === 'PrepareStart' || (k === 'RemoveContainer' && node.reason === 'replaced')) continue;
    const s = subjectOf(node.op);
    const key = `${s.type} ${s.name}`;
    const known = out.get(key);
    if (known) known.steps++;
    else out.set(key, { type: s.type, name: s.name, steps: 1 });
  }
  return [...out.values()];
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function wrap(err: unknown, context: string): unknown {
  if (!isBerthError(err)) return err;
  return new BerthError(err.code, `${context}: ${err.message}`, { cause: err, ...(err.detail ? { detail: err.detail } : {}) });
}
