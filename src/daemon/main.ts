#!/usr/bin/env node
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { berthPaths, socketFromHost } from '../config/paths.js';
import { socketAnswers } from '../socket-answers.js';

// berthd: the engine behind a Docker Engine API socket. Heavy modules (the engine, the
// server) are imported after the arguments are read, so `--help` and a refused start
// are quick. SIGTERM stops berthd and leaves containers running (their shims own them).

const USAGE = `usage: berthd [--host unix:///path/berth.sock] [--log-file FILE] [--runtime berth-core|runc|crun] [--root DIR] [--run DIR] [--cgroup-favordynmods=true|false] [--debug]`;

interface Args {
  socket: string;
  logFile: string;
  root: string;
  run: string;
  runtime: 'berth-core' | 'runc' | 'crun' | undefined;
  /** Turn on the kernel's cgroup favordynmods mode (see cgroup-favordynmods.ts). */
  favorDynmods: boolean;
  debug: boolean;
}

function readArgs(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', short: 'H' },
      'log-file': { type: 'string' },
      runtime: { type: 'string' },
      root: { type: 'string' },
      run: { type: 'string' },
      'cgroup-favordynmods': { type: 'string' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const env = { ...process.env };
  if (values.root) env.BERTH_ROOT = values.root;
  if (values.run) env.BERTH_RUN = values.run;
  if (values.host) env.BERTH_HOST = values.host;
  const paths = berthPaths(env);
  const runtime = values.runtime;
  if (runtime !== undefined && runtime !== 'berth-core' && runtime !== 'runc' && runtime !== 'crun') throw new Error(`--runtime ${runtime}: expected berth-core, runc or crun`);
  if (values.host && !values.host.startsWith('unix://') && values.host.includes('://')) throw new Error(`--host ${values.host}: only unix:// sockets are supported`);
  const favor = values['cgroup-favordynmods'] ?? process.env.BERTH_CGROUP_FAVORDYNMODS ?? 'true';
  if (favor !== 'true' && favor !== 'false') throw new Error(`--cgroup-favordynmods ${favor}: expected true or false`);
  return {
    socket: values.host ? socketFromHost(values.host) : paths.socket,
    logFile: values['log-file'] ?? path.join(paths.run, 'berthd.log'),
    root: paths.root,
    run: paths.run,
    runtime,
    favorDynmods: favor === 'true',
    debug: values.debug === true || process.env.BERTH_DEBUG === '1',
  };
}


/**
 * One berthd per state: two restoring the same containers would both re-attach and
 * restart them. The pid file is created exclusively; one left by a dead berthd is replaced.
 */
async function claimPidFile(file: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    const cmdline = pid > 0 ? await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '') : '';
    if (cmdline.includes('daemon/main.js') || cmdline.includes('berthd')) throw new Error(`another berthd (pid ${pid}) already runs with ${path.dirname(file)}`);
    await rm(file, { force: true });
  }
  throw new Error(`cannot claim ${file}`);
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = readArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`berthd: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    process.exit(2);
  }
  await mkdir(args.run, { recursive: true, mode: 0o711 });
  await mkdir(args.root, { recursive: true, mode: 0o711 });
  await mkdir(path.dirname(args.logFile), { recursive: true });
  await mkdir(path.dirname(args.socket), { recursive: true });
  const logStream: WriteStream = createWriteStream(args.logFile, { flags: 'a' });
  const log = (line: string): void => {
    logStream.write(`${new Date().toISOString()} ${line}\n`);
  };
  if (await socketAnswers(args.socket)) {
    const msg = `another berthd is already listening on ${args.socket}`;
    log(msg);
    process.stderr.write(`berthd: ${msg}\n`);
    process.exit(1);
  }
  try {
    await claimPidFile(path.join(args.run, 'berthd.pid'));
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    log(msg);
    process.stderr.write(`berthd: ${msg}\n`);
    process.exit(1);
  }
  await rm(args.socket, { force: true }); // stale socket of a berthd that died
  process.env.BERTH_ROOT = args.root;
  process.env.BERTH_RUN = args.run;
  if (args.debug) process.env.BERTH_DEBUG = '1';

  const [{ Engine }, { createServer }] = await Promise.all([import('../engine/engine.js'), import('./server.js')]);
  const [engine] = await Promise.all([
    Engine.open({ root: args.root, run: args.run, ...(args.runtime ? { runtime: args.runtime } : {}) }),
    args.favorDynmods ? favorDynmods(args.run, log) : undefined,
  ]);
  const server = createServer(engine, args.debug ? { log } : {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Only root (and the socket's group) may talk to the engine: it can do anything as root.
    const oldMask = process.umask(0o117);
    server.listen(args.socket, () => {
      process.umask(oldMask);
      resolve();
    });
  });
  await chmod(args.socket, 0o660);
  log(`berthd ${process.pid} listening on ${args.socket} (root ${args.root}, runtime ${engine.runtimeName})`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping; containers keep running`);
    server.close();
    server.closeAllConnections();
    void engine
      .close()
      .catch((err: unknown) => log(`close: ${String(err)}`))
      .finally(async () => {
        await rm(args.socket, { force: true });
        await rm(path.join(args.run, 'berthd.pid'), { force: true });
        logStream.end(() => process.exit(0));
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('uncaughtException', (err) => log(`uncaught: ${err.stack ?? String(err)}`));
  process.on('unhandledRejection', (err) => log(`unhandled rejection: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
}

/** The kernel's cgroup favordynmods mode, for quicker container starts and execs; logged, never fatal. */
async function favorDynmods(run: string, log: (line: string) => void): Promise<void> {
  const { enableFavorDynmods } = await import('./cgroup-favordynmods.js');
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const result = await enableFavorDynmods(mountinfo, path.join(run, `cgroup-favordynmods.${process.pid}`)).catch((err: unknown) => ({ decision: 'enable' as const, error: String(err) }));
  if (result.error !== undefined) log(`cgroup favordynmods: not available (${result.error}); cgroup v1 moves wait for the kernel`);
  else if (result.decision === 'enable') log('cgroup favordynmods: on (cgroup v1 task moves need no RCU grace period; --cgroup-favordynmods=false to leave the host as it is)');
}

// Not a top-level await: the bundle (scripts/build-bundle.mjs) is a CommonJS script, for V8's code cache.
void main();
