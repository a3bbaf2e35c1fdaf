// Starts a berth-shim for one container. The shim detaches, becomes the container's
// subreaper, runs `<runtime> create`, and its first process exits 0 once the container
// is created (non-zero with the runtime's message otherwise); then init.pid and shim.pid
// are in the state dir.
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { internal } from '../../errors.js';
import type { CreateOptions } from '../types.js';
import { runtimeError } from './runtime-errors.js';
import type { RuntimeInvocation } from './runtime-invocation.js';

export function shimArgs(inv: RuntimeInvocation, opts: CreateOptions): string[] {
  const args = ['--runtime', inv.file];
  for (const a of inv.prefix) args.push('--runtime-arg', a);
  args.push('--id', opts.id, '--bundle', opts.bundle, '--state-dir', opts.stateDir, '--log', opts.logPath);
  if (opts.tty) args.push('--tty');
  if (opts.openStdin) args.push('--stdin');
  return args;
}

async function readPid(file: string): Promise<number> {
  const text = (await readFile(file, 'utf8')).trim();
  const pid = Number(text);
  if (!Number.isSafeInteger(pid) || pid <= 0) throw internal(`${file}: expected a pid, got ${JSON.stringify(text)}`);
  return pid;
}

export async function startShim(shim: string, inv: RuntimeInvocation, opts: CreateOptions): Promise<{ shimPid: number; initPid: number }> {
  await mkdir(opts.stateDir, { recursive: true, mode: 0o700 });
  await mkdir(path.dirname(opts.logPath), { recursive: true });
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(shim, shimArgs(inv, opts), { stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('exit', (exitCode) => {
      // The detached half must not hold our pipe; stop reading once the parent is gone.
      setImmediate(() => {
        child.stderr.destroy();
        resolve({ code: exitCode, stderr: Buffer.concat(err).toString('utf8') });
      });
    });
  });
  if (code !== 0) throw runtimeError(inv.name, 'create', opts.id, stderr, code);
  const [shimPid, initPid] = await Promise.all([readPid(path.join(opts.stateDir, 'shim.pid')), readPid(path.join(opts.stateDir, 'init.pid'))]);
  return { shimPid, initPid };
}
