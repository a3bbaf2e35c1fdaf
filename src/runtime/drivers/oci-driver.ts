// One RuntimeDriver for every runc-compatible CLI (berth-core, runc, crun): they share the
// verbs and flags, so only the invocation differs. create goes through berth-shim so the
// container outlives the caller; the other verbs call the runtime directly.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { conflict, internal, isNotFound } from '../../errors.js';
import { CONFIG_FILE } from '../bundle.js';
import type { OciSpec } from '../oci-spec.js';
import type { CreateOptions, ExecOptions, ExecResult, OciProcess, OciState, RuntimeDriver } from '../types.js';
import { execCollect, execDetached, execStream, type DetachedExec, type ExecStream } from './exec.js';
import { runVerb, type ProcessRunner } from './run-runtime.js';
import type { RuntimeInvocation, RuntimeName } from './runtime-invocation.js';
import { runtimeError } from './runtime-errors.js';
import { killThroughShim, startShim, startThroughShim } from './shim.js';

const STATUSES = new Set<OciState['status']>(['creating', 'created', 'running', 'stopped', 'paused']);

export class OciRuntimeDriver implements RuntimeDriver {
  readonly name: RuntimeName;

  constructor(
    readonly invocation: RuntimeInvocation,
    private readonly shimPath: string,
    /** How the runtime verbs are run (berthd: its spawn server); node's spawn otherwise. */
    private readonly runner?: ProcessRunner,
    /**
     * How berth-shim is launched, when not by node's spawn. It must hand the shim default
     * signal dispositions (the container inherits them): node's spawn does, a shell's
     * background job does not (SIGINT and SIGQUIT ignored).
     */
    private readonly shimRunner?: ProcessRunner,
  ) {
    this.name = invocation.name;
  }

  create(opts: CreateOptions): Promise<{ shimPid: number; initPid: number }> {
    // The bundle of each container created here: a first exec (a health probe, on the
    // critical path of every depends_on: service_healthy link) then reads its config.json
    // without asking the runtime for the container's state first.
    this.bundles.set(opts.id, opts.bundle);
    this.shimStates.set(opts.id, opts.stateDir);
    return startShim(this.shimPath, this.invocation, opts, this.shimRunner).catch((err: unknown) => {
      // Not created: nothing of it is to be found here later.
      this.bundles.delete(opts.id);
      this.shimStates.delete(opts.id);
      throw err;
    });
  }

  async start(id: string): Promise<void> {
    // The shim of a container created here runs the verb: one round trip on its socket
    // instead of a process started for berthd (~1-2 ms of each start).
    const stateDir = this.shimStates.get(id);
    this.shimStates.delete(id);
    const viaShim = stateDir === undefined ? undefined : await startThroughShim(stateDir);
    if (viaShim) {
      if (viaShim.code !== 0) throw runtimeError(this.name, 'start', id, viaShim.output, viaShim.code);
      return;
    }
    await runVerb(this.invocation, 'start', id, ['start', id], 'internal', this.runner);
  }

  async state(id: string): Promise<OciState> {
    const out = await runVerb(this.invocation, 'state', id, ['state', id], 'internal', this.runner);
    let parsed: unknown;
    try {
      parsed = JSON.parse(out);
    } catch (err) {
      throw internal(`${this.name} state ${id}: not JSON: ${out.slice(0, 200)}`, err);
    }
    const s = parsed as Partial<OciState> | null;
    if (!s || typeof s.id !== 'string' || !STATUSES.has(s.status as OciState['status'])) throw internal(`${this.name} state ${id}: unexpected ${out.slice(0, 200)}`);
    const state: OciState = { ociVersion: String(s.ociVersion ?? ''), id: s.id, status: s.status as OciState['status'], bundle: String(s.bundle ?? '') };
    // runc reports pid 0 once stopped; that is "no pid", not the kernel's idle task.
    if (typeof s.pid === 'number' && s.pid > 0) state.pid = s.pid;
    if (s.annotations && typeof s.annotations === 'object') state.annotations = s.annotations;
    return state;
  }

  async kill(id: string, signal: string | number, all = false, stateDir?: string): Promise<void> {
    // The container's shim signals it: one round trip on its socket instead of a runtime
    // process (~1-2 ms of CPU each, most of it berth-core reading the mountinfo).
    if (stateDir !== undefined && typeof signal === 'number' && Number.isInteger(signal) && signal > 0 && signal < 65) {
      const status = await killThroughShim(stateDir, signal, all);
      if (status === 0) return;
      if (status === 1) throw conflict(`${this.name} kill ${id}: container not running`);
    }
    const args = ['kill'];
    if (all) args.push('--all');
    args.push(id, typeof signal === 'number' ? String(signal) : signal.replace(/^SIG/i, '').toUpperCase());
    await runVerb(this.invocation, 'kill', id, args, 'internal', this.runner);
  }

  async pause(id: string): Promise<void> {
    await runVerb(this.invocation, 'pause', id, ['pause', id], 'internal', this.runner);
  }

  async resume(id: string): Promise<void> {
    // crun resumes a container that is not paused without complaint; runc and berth-core
    // refuse. Checking first gives every runtime runc's answer.
    const { status } = await this.state(id);
    if (status !== 'paused') throw conflict(`${this.name} resume ${id}: container is ${status}, not paused`);
    await runVerb(this.invocation, 'resume', id, ['resume', id], 'internal', this.runner);
  }

  async exec(id: string, process: OciProcess, opts?: ExecOptions): Promise<ExecResult> {
    return execCollect(this.invocation, id, await this.withContainerDefaults(id, process), opts);
  }

  /** exec -d: resolves once the process runs (its pid), with its exit code to come. */
  async execDetached(id: string, process: OciProcess): Promise<DetachedExec> {
    return execDetached(this.invocation, id, await this.withContainerDefaults(id, process));
  }

  /** exec with the caller owning stdin/stdout/stderr, optionally on a terminal. */
  async execStream(id: string, process: OciProcess, opts: { tty?: boolean } = {}): Promise<ExecStream> {
    return execStream(this.invocation, id, await this.withContainerDefaults(id, process), opts);
  }

  /**
   * Every runtime gives an exec without capabilities the container's set, but runc 1.1 and
   * crun 1.8 read an absent noNewPrivileges as false. Filling both in from the bundle's
   * config.json makes an exec never more privileged than its container, whichever runtime
   * runs it (and whatever the runtime's version).
   */
  private async withContainerDefaults(id: string, process: OciProcess): Promise<OciProcess> {
    if (process.capabilities !== undefined && process.noNewPrivileges !== undefined) return process;
    const defaults = await this.containerDefaults(id);
    return {
      ...process,
      capabilities: process.capabilities ?? defaults.capabilities,
      noNewPrivileges: process.noNewPrivileges ?? defaults.noNewPrivileges,
    };
  }

  // Health checks exec often: remember each container's defaults, keyed by the mtime of
  // its config.json so a recreated container (new config) is read again. The file is
  // small and local: read synchronously (~50 µs), not behind the busy thread pool.
  private readonly defaultsCache = new Map<string, { file: string; mtimeMs: number; value: ContainerDefaults }>();
  /** Bundles of the containers created through this driver (others: the runtime's state). */
  private readonly bundles = new Map<string, string>();
  /** Shim state dirs of the containers created here and not started yet. */
  private readonly shimStates = new Map<string, string>();

  private async containerDefaults(id: string): Promise<ContainerDefaults> {
    const cached = this.defaultsCache.get(id);
    if (cached) {
      if (mtimeOf(cached.file) === cached.mtimeMs) return cached.value;
      this.defaultsCache.delete(id);
    }
    const bundle = this.bundles.get(id) ?? (await this.state(id)).bundle;
    const file = path.join(bundle, CONFIG_FILE);
    let spec: Partial<OciSpec>;
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
      spec = JSON.parse(readFileSync(file, 'utf8')) as Partial<OciSpec>;
    } catch (err) {
      throw internal(`exec in ${id}: cannot read the container's ${file}`, err);
    }
    const caps = spec.process?.capabilities;
    const value: ContainerDefaults = {
      capabilities: { bounding: caps?.bounding ?? [], effective: caps?.effective ?? [], permitted: caps?.permitted ?? [] },
      noNewPrivileges: spec.process?.noNewPrivileges ?? false,
    };
    this.defaultsCache.set(id, { file, mtimeMs, value });
    return value;
  }

  async delete(id: string, force = false): Promise<void> {
    this.defaultsCache.delete(id);
    this.bundles.delete(id);
    this.shimStates.delete(id);
    try {
      await runVerb(this.invocation, 'delete', id, force ? ['delete', '--force', id] : ['delete', id], 'internal', this.runner);
    } catch (err) {
      // A forced delete is "make it gone": already gone is success.
      if (!(force && isNotFound(err))) throw err;
    }
  }
}

function mtimeOf(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

interface ContainerDefaults {
  capabilities: NonNullable<OciProcess['capabilities']>;
  noNewPrivileges: boolean;
}
