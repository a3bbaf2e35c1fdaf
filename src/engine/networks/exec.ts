import { spawn } from 'node:child_process';
import { BerthError, internal, unavailable } from '../../errors.js';

// The one way this folder runs host tools (ip, nft, unshare, umount, iptables): argv
// only (no shell), optional stdin for `ip -batch -` / `nft -f -`, and a typed error that
// carries the tool's own message.

export async function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? unavailable(`${cmd} is not installed on this host`, e) : internal(`${cmd}: ${e.message}`, e));
    });
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else {
        const message = Buffer.concat(err).toString('utf8').trim() || `exit status ${code}`;
        reject(new BerthError('internal', `${cmd} ${args.join(' ')}: ${message}`, { detail: { exitCode: code } }));
      }
    });
    child.stdin.on('error', () => undefined); // the tool may exit before reading all of stdin
    child.stdin.end(input ?? '');
  });
}

/** Run `ip -batch -` with one command per line (one process for many changes). */
export async function ipBatch(lines: string[], opts: { force?: boolean } = {}): Promise<void> {
  if (lines.length === 0) return;
  await run('ip', [...(opts.force ? ['-force'] : []), '-batch', '-'], lines.join('\n') + '\n');
}
