import type { Command } from 'commander';
import { isBerthError } from '../errors.js';

// The one adapter between commands and the process: errors become exit codes and short
// messages (the stack only with --debug), SIGINT becomes cancellation (exit 130).
// Commands put data on stdout and logs/progress on stderr.

export class ExitCode extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

export function isDebug(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--debug') || process.env.BERTH_DEBUG === '1';
}

let promptExit = false;

/**
 * A command whose every piece of work is awaited by its action (nothing left streaming or
 * writing when it returns) may let the process exit as soon as its output has left
 * (main.ts): Node would otherwise first wait for V8's worker tasks and tear the heap down,
 * 2-5 ms after the last byte. Commands that leave work to finish on its own (a foreground
 * `up`'s log streams after its stop) do not call this, and end as Node ends.
 */
export function allowPromptExit(): void {
  promptExit = true;
}

export function promptExitAllowed(): boolean {
  return promptExit;
}

/** Print an error the way every command prints it and return the exit code. */
export function reportError(err: unknown, debug = isDebug()): number {
  if (err instanceof ExitCode) return err.exitCode;
  if (isBerthError(err)) {
    const rendered = typeof err.detail?.rendered === 'string' ? err.detail.rendered : err.message;
    process.stderr.write(`berth: ${rendered}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    if (debug && err.cause instanceof Error && err.cause.stack) process.stderr.write(`caused by: ${err.cause.stack}\n`);
    if (err.code === 'usage') return 2;
    if (err.code === 'canceled') return 130;
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`berth: unexpected error: ${message}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('(run again with --debug for details)\n');
  return 1;
}

/**
 * Wrap a command action: run it, turn a returned number into the exit code, turn a
 * thrown error into a message and an exit code.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void> | number | void) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await fn(...args);
      process.exitCode = typeof code === 'number' ? code : 0;
    } catch (err) {
      process.exitCode = reportError(err);
    }
  };
}

/** Global options every command sees (defined on the root program). */
export interface GlobalOptions {
  file?: string[];
  projectName?: string;
  projectDirectory?: string;
  profile?: string[];
  envFile?: string[];
  host?: string;
  debug?: boolean;
  parallel?: string;
  progress?: string;
  ansi?: string;
}

export function globalsOf(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}
