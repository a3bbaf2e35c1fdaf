import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { busyboxTarball } from '../../support/busybox-rootfs.js';
import { socketAnswers } from '../../../src/socket-answers.js';

// A private engine for one e2e file: berthd on its own socket with its own BERTH_ROOT and
// BERTH_RUN under /tmp, the built CLI run as a user types it, and project folders written
// inline. stop() ends the berthd this file started (and only that one).

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = path.join(repo, 'dist', 'cli', 'main.js');
const DAEMON = path.join(repo, 'dist', 'daemon', 'main.js');
// Run through the launchers, as a user's `berth` is.
const CLI_BIN = path.join(repo, 'bin', 'berth');
const DAEMON_BIN = path.join(repo, 'bin', 'berthd');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class BerthEnv {
  readonly base: string;
  readonly socket: string;
  readonly env: NodeJS.ProcessEnv;
  private daemon: ChildProcess | undefined;

  constructor(name: string) {
    // Short: the engine puts per-container UNIX sockets under BERTH_RUN (108-byte limit).
    this.base = mkdtempSync(`/tmp/be-${name.slice(0, 6)}-`);
    this.socket = path.join(this.base, 'berth.sock');
    const env: NodeJS.ProcessEnv = { ...process.env, BERTH_ROOT: path.join(this.base, 'root'), BERTH_RUN: path.join(this.base, 'run'), BERTH_HOST: `unix://${this.socket}`, NO_COLOR: '1' };
    delete env.DOCKER_HOST;
    delete env.COMPOSE_PROJECT_NAME;
    delete env.COMPOSE_FILE;
    this.env = env;
  }

  /** Start berthd and import the busybox image as bb:latest. */
  async start(): Promise<void> {
    if (!existsSync(CLI) || !existsSync(DAEMON)) throw new Error('berth is not built: run npm run build');
    this.daemon = spawn(DAEMON_BIN, ['--host', `unix://${this.socket}`, '--log-file', path.join(this.base, 'berthd.log')], {
      env: this.env,
      stdio: 'ignore',
    });
    try {
      await pollUntil(() => socketAnswers(this.socket), 15_000, 'berthd to listen');
    } catch (err) {
      throw new Error(`${(err as Error).message}; berthd log:\n${this.daemonLog()}`);
    }
    const imported = await this.berth(['import', busyboxTarball(), 'bb:latest']);
    if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
  }

  async stop(): Promise<void> {
    const d = this.daemon;
    if (d && d.exitCode === null) {
      const exited = new Promise((resolve) => d.once('exit', resolve));
      d.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (d.exitCode === null) d.kill('SIGKILL');
    }
    rmSync(this.base, { recursive: true, force: true });
  }

  /** Run the CLI to completion. */
  berth(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    const child = this.spawn(args, opts.cwd);
    return collect(child, opts.timeoutMs ?? 60_000);
  }

  /** Start the CLI and hand back the process (foreground `up`, signals). */
  spawn(args: string[], cwd?: string): ChildProcess {
    return spawn(CLI_BIN, [...args], { cwd: cwd ?? this.base, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Write a project folder: { "compose.yaml": "...", "html/index.html": "..." }. */
  project(name: string, files: Record<string, string>): string {
    const dir = path.join(this.base, name);
    for (const [file, text] of Object.entries(files)) {
      const full = path.join(dir, file);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, text);
    }
    return dir;
  }

  /** Engine state as JSON through the CLI's ps. */
  async ps(dir: string, extra: string[] = []): Promise<PsRow[]> {
    const r = await this.berth(['ps', '-a', '--format', 'json', ...extra], { cwd: dir });
    if (r.code !== 0) throw new Error(`ps failed: ${r.stderr}`);
    return JSON.parse(r.stdout || '[]') as PsRow[];
  }

  daemonLog(): string {
    const file = path.join(this.base, 'berthd.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }
}

export interface PsRow {
  ID: string;
  Name: string;
  Service: string;
  State: string;
  Status: string;
  ExitCode: number;
  Health: string;
}

export function collect(child: ChildProcess, timeoutMs: number): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Poll a condition until it holds or the deadline passes (no fixed sleeps in tests). */
export async function pollUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

