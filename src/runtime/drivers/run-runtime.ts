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

export function runCli(inv: RuntimeInvocation, args: string[]): Promise<CliResult> {
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
export async function runVerb(inv: RuntimeInvocation, verb: string, id: string, args: string[], fallback: ErrorCode = 'internal'): Promise<string> {
  const res = await runCli(inv, args);
  if (res.exitCode !== 0) throw runtimeError(inv.name, verb, id, res.stderr, res.exitCode, fallback);
  return res.stdout;
}
