import { BerthError, internal, unavailable } from '../../errors.js';
import { runTool } from '../spawn-server.js';
import { Coalescer } from '../coalescer.js';

// The one way this folder runs host tools (ip, nft, unshare, umount, iptables): argv
// only (no shell), optional stdin for `ip -batch -` / `nft -f -`, and a typed error that
// carries the tool's own message.

export interface RawResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function run(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await runRaw(cmd, args, input);
  if (r.code === 0) return r.stdout;
  const message = r.stderr.trim() || `exit status ${r.code}`;
  throw new BerthError('internal', `${cmd} ${args.join(' ')}: ${message}`, { detail: { exitCode: r.code } });
}

/** Run a tool and report its exit status and output, without judging them. */
export async function runRaw(cmd: string, args: string[], input?: string): Promise<RawResult> {
  try {
    const r = await runTool(cmd, args, input !== undefined ? { input } : {});
    // Through sh a missing tool is status 127 with "not found".
    if (r.code === 127 && /not found/.test(r.stderr)) throw Object.assign(new Error(r.stderr.trim()), { code: 'ENOENT' });
    return r;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw err.code === 'ENOENT' ? unavailable(`${cmd} is not installed on this host`, err) : internal(`${cmd}: ${err.message}`, err);
  }
}

/** Run `ip -batch -` with one command per line (one process for many changes). */
export async function ipBatch(lines: string[], opts: { force?: boolean } = {}): Promise<void> {
  if (lines.length === 0) return;
  await run('ip', [...(opts.force ? ['-force'] : []), '-batch', '-'], lines.join('\n') + '\n');
}

/**
 * The messages of failed lines in `ip -force -batch` stderr, by 1-based line number:
 * iproute2 prints a command's complaint, then "Command failed -:N".
 */
export function failedBatchLines(stderr: string): Map<number, string> {
  const out = new Map<number, string>();
  let pending: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^Command failed -:(\d+)$/.exec(line.trim());
    if (m) {
      out.set(Number(m[1]), pending.join('; ') || 'failed');
      pending = [];
    } else if (line.trim() !== '') pending.push(line.trim());
  }
  return out;
}

// Host-side `ip` changes of concurrent sandboxes share one process (30 veths enslaved
// to a bridge: 20 ms in one batch, 200 ms as 30 processes); a caller's lines run in
// order and its promise fails with the messages of its own failed lines.
const hostIp = new Coalescer<string[]>(async (groups) => {
  const r = await runRaw('ip', ['-force', '-batch', '-'], groups.flat().join('\n') + '\n');
  const failed = r.code === 0 ? new Map<number, string>() : failedBatchLines(r.stderr);
  let line = 1;
  return groups.map((g) => {
    const messages: string[] = [];
    for (let i = 0; i < g.length; i++, line++) {
      const m = failed.get(line);
      if (m) messages.push(`${g[i] ?? ''}: ${m}`);
    }
    return messages.length > 0 ? internal(`ip: ${messages.join('; ')}`) : undefined;
  });
});

export function hostIpBatch(lines: string[]): Promise<void> {
  return lines.length === 0 ? Promise.resolve() : hostIp.submit(lines);
}
