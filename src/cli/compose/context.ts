import path from 'node:path';
import type { Command } from 'commander';
import { connectEngine, engineSocket } from '../../client/connect.js';
import { EngineApi } from '../../client/api/engine-api.js';
import type { ContainerSummary } from '../../client/api/wire.js';
import { EngineClient } from '../../client/engine-client.js';
import { MIN_API_VERSION, pingEngine, versionAfterPing, type PingAnswer } from '../../client/negotiate.js';
import { ApiPlanEngine } from '../../client/api/plan-engine.js';
import { resolveContext } from '../../compose/context.js';
import { serviceConfigHash } from '../../compose/hash.js';
import type { Project } from '../../compose/model.js';
import { loadProject } from '../../compose/pipeline.js';
import { resolveProjectName } from '../../compose/project-name.js';
import type { NetworkRecord, VolumeRecord } from '../../engine/types.js';
import { BerthError, isBerthError } from '../../errors.js';
import { execute } from '../../plan/execute.js';
import { projectFilter } from '../../plan/labels.js';
import { observe } from '../../plan/observe.js';
import type { Observed } from '../../plan/observed.js';
import type { Plan } from '../../plan/plan.js';
import type { ReconcileOptions } from '../../plan/reconcile.js';
import type { ProgressEvent, ProgressSink } from '../../progress/events.js';
import { progressFor } from '../../progress/select.js';
import type { GlobalOptions } from '../command-adapter.js';
import { composeGlobals } from './globals.js';

export { composeGlobals };

// What every Compose command starts from: the project (loaded with the global flags, or
// only its name when no file is needed), the engine, and a progress renderer.

export interface ComposeContext {
  globals: GlobalOptions;
  api: EngineApi;
  projectName: string;
  project: Project | undefined;
  /** The project's environment: the process's over the .env / --env-file values. */
  projectEnv: NodeJS.ProcessEnv;
  workingDir: string;
  configFiles: string[];
  /**
   * Every service the files define, whatever the active profiles (not orphans): the
   * active ones, and those of inactive profiles once observeProject found a container of
   * a service that is not active (only then do they matter).
   */
  definedServices: string[];
  /** Loads the files with every profile for the services they define (once). */
  allServices?: (() => Promise<string[]>) | undefined;
  /** A fresh renderer per plan (a tty renderer ends with its plan). */
  progress: () => Promise<ProgressSink>;
  parallel: number;
  /** The project's lists asked for while the files were read (see startEarly), for the first observeProject. */
  prefetched?: Prefetched | undefined;
}

interface Prefetched {
  project: string;
  containers: Promise<ContainerSummary[]>;
  networks: Promise<NetworkRecord[]>;
  volumes: Promise<VolumeRecord[]>;
}

export interface ContextOptions {
  /** Services named on the command line (enabled whatever their profiles). */
  services?: string[];
  /** Without a compose file, carry on with the project name alone (ps, down, logs, ...). */
  projectOptional?: boolean;
  /** The command observes the project (up, down): its lists are asked for while the files are read. */
  observe?: boolean;
}

interface Early {
  client: EngineClient;
  ping: Promise<PingAnswer | undefined>;
  prefetched?: Prefetched;
}

/** The project name before the files are read (their `name:` is not known yet): Compose's own precedence; undefined when it cannot be had. */
function projectNameHint(flag: string | undefined, env: string | undefined, projectDirectory: string): string | undefined {
  try {
    return resolveProjectName({ flag, env, projectDirectory });
  } catch {
    return undefined; // the load says why, with its own error
  }
}

/**
 * The engine's ping, and for a command that observes the project its three lists, sent
 * before the compose files are read (that is CPU work of ~15 ms here, during which the
 * engine answers them, instead of three round trips after it). Speculative: the lists are
 * asked at the API version berthd speaks and for the project name the flags, environment
 * or directory suggest; composeContext uses them only when the ping and the loaded project
 * confirm both. Nothing is started here: without an engine answering, connectEngine later
 * does what it always did (berthd's auto-start included), after the files loaded or failed.
 */
function startEarly(globals: GlobalOptions, nameHint: string | undefined, observeProject: boolean): Early | undefined {
  let socket: string;
  try {
    socket = engineSocket(globals);
  } catch {
    // A bad --host: connectEngine reports it in its usual place.
    return undefined;
  }
  const client = new EngineClient(socket, MIN_API_VERSION);
  const ping = pingEngine(socket);
  if (!observeProject || nameHint === undefined || nameHint === '') return { client, ping };
  const api = new EngineApi(client);
  const filters = { label: [projectFilter(nameHint)] };
  const prefetched: Prefetched = {
    project: nameHint,
    containers: api.containers.list({ all: true, filters }),
    networks: api.networks.list(filters),
    volumes: api.volumes.list(filters),
  };
  // Unused (another name or version after all) or failing (no engine yet): not an error here;
  // when used, observeProject awaits the promise itself and sees its failure.
  for (const p of [prefetched.containers, prefetched.networks, prefetched.volumes]) p.catch(() => undefined);
  return { client, ping, prefetched };
}

export async function composeContext(cmd: Command, opts: ContextOptions = {}): Promise<ComposeContext> {
  const globals = composeGlobals(cmd);
  const loadOptions = {
    files: globals.file,
    projectName: globals.projectName,
    projectDirectory: globals.projectDirectory,
    profiles: globals.profile,
    envFiles: globals.envFile,
    services: opts.services,
    onWarning: (m: string) => process.stderr.write(`WARN[0000] ${m}\n`),
  };
  let project: Project | undefined;
  let workingDir = path.resolve(globals.projectDirectory ?? process.cwd());
  let configFiles: string[] = [];
  let definedServices: string[] = [];
  let allServices: (() => Promise<string[]>) | undefined;
  let projectEnv: NodeJS.ProcessEnv = process.env;
  let early: Early | undefined;
  try {
    const where = resolveContext(loadOptions);
    projectEnv = where.env;
    workingDir = where.projectDirectory;
    configFiles = where.files;
    early = startEarly(globals, projectNameHint(globals.projectName, where.env.COMPOSE_PROJECT_NAME, where.projectDirectory), opts.observe === true);
    // One turn of the event loop: the connections complete and the requests are written
    // before loadProject's synchronous work holds the thread.
    await new Promise((resolve) => setImmediate(resolve));
    project = await loadProject(loadOptions);
    definedServices = Object.keys(project.services);
    const active = definedServices;
    // Services of inactive profiles are part of the project, not orphans (Compose's
    // "disabled services"): the files are loaded once more with every profile to know
    // them, when a container of a service that is not active is found (observeProject).
    allServices = async () => {
      try {
        return Object.keys((await loadProject({ ...loadOptions, profiles: ['*'], onWarning: () => undefined })).services);
      } catch {
        // With every profile enabled the files may not load (a profiled service's missing
        // reference): then only the active services count as defined.
        return active;
      }
    };
  } catch (err) {
    const name = globals.projectName ?? process.env.COMPOSE_PROJECT_NAME;
    if (!opts.projectOptional || !name || !isNoConfig(err)) throw err;
  }
  const projectName = project?.name ?? globals.projectName ?? process.env.COMPOSE_PROJECT_NAME ?? '';
  const client = (early && (await confirmed(early))) ?? (await connectEngine(globals));
  const prefetched = client === early?.client && early.prefetched?.project === projectName ? early.prefetched : undefined;
  const parallelText = String(globals.parallel ?? process.env.COMPOSE_PARALLEL_LIMIT ?? -1);
  const parallel = Number(parallelText);
  if (!/^-?\d+$/.test(parallelText) || parallel === 0 || parallel < -1) throw new BerthError('usage', `invalid --parallel ${JSON.stringify(parallelText)}: a number of operations, or -1 for no limit`);
  return { globals, api: new EngineApi(client), projectName, project, projectEnv, workingDir, configFiles, definedServices, allServices, progress: () => progressFor(globals.progress, globals.ansi), parallel, prefetched };
}

/** The early client, when the engine answered the ping and speaks the version it guessed. */
async function confirmed(early: Early): Promise<EngineClient | undefined> {
  return versionAfterPing(await early.ping, early.client.socketPath) === early.client.version ? early.client : undefined;
}

/** The project, or a clear error when the command needs the compose file. */
export function requireProject(ctx: ComposeContext): Project {
  if (!ctx.project) throw new BerthError('invalid', 'no configuration file provided: not found');
  return ctx.project;
}

export async function observeProject(ctx: ComposeContext): Promise<Observed> {
  const { api, project } = ctx;
  // The lists asked for early serve the first observation only: later ones must be fresh.
  const pre = ctx.prefetched?.project === ctx.projectName ? ctx.prefetched : undefined;
  ctx.prefetched = undefined;
  const observed = await observe(
    {
      listContainers: (filters) => pre?.containers ?? api.containers.list({ all: true, filters }),
      listNetworks: (filters) => pre?.networks ?? api.networks.list(filters),
      listVolumes: (filters) => pre?.volumes ?? api.volumes.list(filters),
      inspectNetwork: (name) => api.networks.inspect(name),
      inspectVolume: (name) => api.volumes.inspect(name),
    },
    ctx.projectName,
    ctx.project,
  );
  if (project && ctx.allServices && observed.containers.some((c) => !c.oneoff && project.services[c.service] === undefined)) {
    const load = ctx.allServices;
    ctx.allServices = undefined;
    ctx.definedServices = await load();
  }
  return observed;
}

/** The options every reconcile call shares: hash, labels' working dir and files. */
export function reconcileBase(ctx: ComposeContext): Pick<ReconcileOptions, 'hash' | 'workingDir' | 'configFiles' | 'hostEnv' | 'definedServices'> {
  return { hash: (svc) => serviceConfigHash(svc), workingDir: ctx.workingDir, configFiles: ctx.configFiles, hostEnv: ctx.projectEnv, definedServices: ctx.definedServices };
}

/** Run a plan with the events subscription open, then close the renderer. */
export async function runPlan(ctx: ComposeContext, plan: Plan, opts: { signal?: AbortSignal; onEvent?: (e: ProgressEvent) => void } = {}): Promise<void> {
  const { signal, onEvent } = opts;
  const engine = new ApiPlanEngine(ctx.api, ctx.projectName);
  const needsEvents = plan.nodes.some((n) => n.op.kind.startsWith('Await'));
  // Asked for now, not awaited: creates and starts go meanwhile, waits begin once the
  // engine accepted the stream (and report its failure, if it fails).
  if (needsEvents) engine.open().catch(() => undefined);
  const renderer = await ctx.progress();
  const progress: ProgressSink = onEvent
    ? { begin: (r) => renderer.begin?.(r), emit: (e) => (renderer.emit(e), onEvent(e)), note: (m) => renderer.note(m), close: () => renderer.close() }
    : renderer;
  try {
    await execute(plan, engine, { parallel: ctx.parallel, progress, ...(signal ? { signal } : {}) });
  } finally {
    await progress.close();
    if (needsEvents) await engine.close();
  }
}

function isNoConfig(err: unknown): boolean {
  return isBerthError(err) && /no configuration file|not found|no such file/i.test(err.message);
}
