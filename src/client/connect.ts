import { existsSync, mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { berthPaths, packageRoot, socketFromHost } from '../config/paths.js';
import { invalid, unavailable } from '../errors.js';
import { EngineClient } from './engine-client.js';
import { MIN_API_VERSION, negotiateVersion, pingEngine, versionAfterPing } from './negotiate.js';
import { startupEnv } from '../config/node-env.js';

// The CLI's way to the engine: the socket named by --host, BERTH_HOST or DOCKER_HOST
// (unix:// only), else berth's default; when nothing answers on berth's own socket,
// berthd is started detached and waited for, so one command is enough for a user (not on
// a socket that only DOCKER_HOST names: that is a Docker engine's place). The
// first /_ping also settles the API version to speak (berthd or a real dockerd).

const START_DEADLINE_MS = 5000;
const POLL_MS = 20;

export interface ConnectGlobals {
  host?: string;
}

export function engineSocket(globals: ConnectGlobals, env: NodeJS.ProcessEnv = process.env): string {
  const host = globals.host ?? env.BERTH_HOST ?? env.DOCKER_HOST;
  if (host === undefined || host === '') return berthPaths(env).socket;
  if (host.includes('://') && !host.startsWith('unix://')) throw invalid(`engine host ${host}: only unix:// sockets are supported`);
  return socketFromHost(host);
}


export async function connectEngine(globals: ConnectGlobals, env: NodeJS.ProcessEnv = process.env): Promise<EngineClient> {
  const socket = engineSocket(globals, env);
  const answer = await pingEngine(socket);
  if (answer) return new EngineClient(socket, negotiateVersion(answer.apiVersion, socket));
  if (namesDockerEngine(globals, env, socket)) {
    throw unavailable(`cannot reach the engine at unix://${socket} (DOCKER_HOST): nothing answers there. Is dockerd running? berth starts berthd only on its own socket (--host, BERTH_HOST or ${berthPaths(env).socket})`);
  }
  const logFile = await startDaemon(socket, env);
  const deadline = Date.now() + START_DEADLINE_MS;
  while (Date.now() < deadline) {
    const started = await pingEngine(socket);
    if (started) return new EngineClient(socket, negotiateVersion(started.apiVersion, socket));
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw unavailable(`berthd did not answer on unix://${socket} within ${START_DEADLINE_MS / 1000} s; see its log: ${logFile}`);
}

/**
 * connectEngine, with the command's first request sent alongside the ping instead of after
 * its answer (a round trip and the CPU work between them less, ~2 ms of every command here).
 * The request is a guess at berthd's version (MIN_API_VERSION, which newer engines accept
 * too); its result stands when it succeeded, or when it failed on an engine that speaks that
 * version. Otherwise (no engine answered: berthd is started as usual; or an engine that
 * refuses the version) it is made again on the connected client. `first` must be safe to
 * repeat after a failure: a JSON request, not a streamed body.
 */
export async function connectEngineWith<T>(globals: ConnectGlobals, first: (client: EngineClient) => Promise<T>): Promise<{ client: EngineClient; result: T }> {
  let socket: string;
  try {
    socket = engineSocket(globals);
  } catch {
    // A bad --host: connectEngine says so.
    const client = await connectEngine(globals);
    return { client, result: await first(client) };
  }
  const ping = pingEngine(socket);
  const early = first(new EngineClient(socket, MIN_API_VERSION)).then(
    (result) => ({ ok: true as const, result }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const [answer, settled] = await Promise.all([ping, early]);
  const version = versionAfterPing(answer, socket);
  if (settled.ok) return { client: version ? new EngineClient(socket, version) : await connectEngine(globals), result: settled.result };
  if (version === MIN_API_VERSION) throw settled.error;
  const client = version ? new EngineClient(socket, version) : await connectEngine(globals);
  return { client, result: await first(client) };
}

/** The socket came from DOCKER_HOST alone: Docker's engine is meant, not a berthd to start there. */
function namesDockerEngine(globals: ConnectGlobals, env: NodeJS.ProcessEnv, socket: string): boolean {
  if (globals.host !== undefined || (env.BERTH_HOST !== undefined && env.BERTH_HOST !== '')) return false;
  return env.DOCKER_HOST !== undefined && env.DOCKER_HOST !== '' && socket !== berthPaths(env).socket;
}

/** Start berthd in its own session with stdio to its log; returns the log path. */
async function startDaemon(socket: string, env: NodeJS.ProcessEnv): Promise<string> {
  const paths = berthPaths(env);
  const logFile = path.join(paths.run, 'berthd.log');
  const main = path.join(packageRoot(), 'dist', 'daemon', 'main.js');
  if (!existsSync(main)) throw unavailable(`berthd is not built (${main} missing): run \`npm run build\``);
  mkdirSync(paths.run, { recursive: true, mode: 0o711 });
  // Loaded here, not at the top: only the auto-start needs it, and loading it (with dgram and
  // more) is a few ms of every command's start.
  const { spawn } = await import('node:child_process');
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(process.execPath, [main, '--host', `unix://${socket}`, '--log-file', logFile], { detached: true, stdio: ['ignore', fd, fd], env: startupEnv(env) });
    child.unref();
  } finally {
    closeSync(fd);
  }
  return logFile;
}
