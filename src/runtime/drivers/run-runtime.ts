// One runtime CLI call (state, start, kill, delete, pause, resume): run it to completion,
// keep its output, and turn a failure into a BerthError from its stderr.
import { spawn } from 'node:child_process';
import { unavailable, type ErrorCode } from '../../errors.js';
import { runtimeError } from './runtime-errors.js';
import type { RuntimeInvocation } from './runtime-invocation.js';

export interface CliResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * How a runtime (or shim) process is run to completion: argv only, no stdin, output kept.
 * berthd passes one that forks through its spawn server (node's own spawn blocks the
 * event loop ~3 ms per child); missing programs must come back as ENOENT or as status
 * 127 with "not found" on stderr (what sh says).
 */
export type ProcessRunner = (file: string, args: string[]) => Promise<{ code: number | null; stdout: string; stderr: string }>;

/** Runs `file args` with `runner`; a missing program is ENOENT either way. */
export async function runProcess(runner: ProcessRunner, file: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = await runner(file, args);
  if (r.code === 127 && /not found/i.test(r.stderr)) throw Object.assign(new Error(`${file}: not found`), { code: 'ENOENT' });
  return r;
}

export function runCli(inv: RuntimeInvocation, args: string[], runner?: ProcessRunner): Promise<CliResult> {
  if (runner) {
    return runProcess(runner, inv.file, [...inv.prefix, ...args]).then(
      (r) => ({ exitCode: r.code, stdout: r.stdout, stderr: r.stderr }),
      (err: Error) => {
        throw unavailable(`${inv.name}: cannot run ${inv.file}: ${err.message}`, err);
      },
    );
  }
  return new Promise((resolve, reject) => {
    const child = spawn(inv.file, [...inv.prefix, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (err) => reject(unavailable(`${inv.name}: cannot run ${inv.file}: ${err.message}`, err)));
    child.on('close', (code) => resolve({ exitCode: code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** Runs `runtime <args>`; non-zero exit → BerthError (verb and id name what failed). */
export async function runVerb(inv: RuntimeInvocation, verb: string, id: string, args: string[], fallback: ErrorCode = 'internal', runner?: ProcessRunner): Promise<string> {
  const res = await runCli(inv, args, runner);
  if (res.exitCode !== 0) throw runtimeError(inv.name, verb, id, res.stderr, res.exitCode, fallback);
  return res.stdout;
}
