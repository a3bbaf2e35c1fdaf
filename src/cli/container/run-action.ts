import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { EngineClient } from '../../client/engine-client.js';
import { START_NEXT_HEADER } from '../../api-extensions.js';
import { BerthError, isNotFound } from '../../errors.js';
import { ExitCode, allowPromptExit, reportError } from '../command-adapter.js';
import { engineWith } from '../engine.js';
import { attachAndStart } from './attach-start.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from './detach-keys.js';
import { createBody, type RunFlags } from './run-flags.js';
import type { RunOptions } from './run.js';

// The implementations of `berth container run` and `create`, loaded by their actions on
// first use (flags in run.ts and run-flags.ts): create → attach → start → wait (→ remove
// with --rm).

export function readEnvFiles(files: string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new BerthError('invalid', `--env-file ${file}: ${(err as Error).message}`, { cause: err });
    }
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      out.push(line.includes('=') ? line : `${line}=${process.env[line] ?? ''}`);
    }
  }
  return out;
}

/** `startNext`: `container run`, which starts it at once (berthd prepares the start meanwhile). */
export async function createContainer(client: EngineClient, image: string, command: string[], flags: RunFlags, startNext = false): Promise<string> {
  const body = createBody(image, command, flags, readEnvFiles(flags.envFile));
  // With a TTY on ours, the container's has our size from its start (API 1.42's ConsoleSize; resize follows).
  if (flags.tty && process.stdout.isTTY && process.stdout.rows > 0) body.HostConfig = { ...(body.HostConfig as Record<string, unknown>), ConsoleSize: [process.stdout.rows, process.stdout.columns] };
  const created = await client.request<{ Id: string; Warnings?: string[] }>('POST', '/containers/create', {
    query: { name: flags.name },
    body,
    ...(startNext ? { headers: { [START_NEXT_HEADER]: '1' } } : {}),
  });
  for (const w of created.Warnings ?? []) process.stderr.write(`WARNING: ${w}\n`);
  return created.Id;
}

/**
 * `container run`: the container's exit code, or docker run's own when the container did not
 * run its command: 127 (the command was not found), 126 (it could not be run), 125 (any other
 * error: the image, the flags, the engine), the message printed as every command prints one.
 */
export async function runContainer(image: string, command: string[], opts: RunOptions, cmd: Command): Promise<number> {
  // Everything below is awaited: the process may end as soon as the output has left.
  allowPromptExit();
  // As docker: a terminal's input that is not a terminal would never end the session (a
  // TTY container's stdin is not closed at EOF). The CLI's own check: exit 1, not 125.
  if (!opts.detach && opts.tty && opts.interactive && !process.stdin.isTTY) throw new BerthError('invalid', 'the input device is not a TTY');
  try {
    return await runAttached(image, command, opts, cmd);
  } catch (err) {
    if (err instanceof ExitCode || (err instanceof BerthError && err.code === 'canceled')) throw err;
    reportError(err);
    return runFailureCode(err instanceof Error ? err.message : String(err));
  }
}

/** docker run's status for a failure of its own (the CLI's toStatusError). */
export function runFailureCode(message: string): number {
  if (/executable file not found|no such file or directory/i.test(message)) return 127;
  if (/permission denied|is a directory/i.test(message)) return 126;
  return 125;
}

async function runAttached(image: string, command: string[], opts: RunOptions, cmd: Command): Promise<number> {
  const keys = parseDetachKeys(opts.detachKeys ?? DEFAULT_DETACH_KEYS);
  const { client, result: id } = await engineWith(cmd, (c) => createContainer(c, image, command, opts, true));
  if (opts.detach) {
    await client.request('POST', `/containers/${id}/start`);
    process.stdout.write(`${id}\n`);
    return 0;
  }
  return attachAndStart(client, id, {
    tty: opts.tty === true,
    interactive: opts.interactive === true,
    keys,
    // With --rm the engine removes the container itself (AutoRemove); like docker, wait
    // for that removal instead of sending a DELETE of our own.
    condition: opts.rm ? 'removed' : 'next-exit',
    sigProxy: opts.sigProxy !== false,
    ...(opts.rm ? { onStartFailure: () => removeQuietly(client, id) } : {}),
  });
}

export async function createOnly(image: string, command: string[], opts: RunFlags, cmd: Command): Promise<void> {
  const { result: id } = await engineWith(cmd, (c) => createContainer(c, image, command, opts));
  process.stdout.write(`${id}\n`);
}

async function removeQuietly(client: EngineClient, id: string): Promise<void> {
  try {
    await client.request('DELETE', `/containers/${id}`, { query: { force: 1, v: 1 } });
  } catch (err) {
    // AutoRemove may have removed it already
    if (!isNotFound(err) && !(err instanceof BerthError && err.code === 'conflict')) throw err;
  }
}
