import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { BerthError } from '../../errors.js';
import { composeContext } from './context.js';
import { serviceContainer } from './find-container.js';
import { replicaIndex } from './options.js';

// The implementation of `berth cp`, loaded by its action on first use (flags in cp.ts).

export async function runCp(src: string, dest: string, flags: { index: string }, cmd: Command): Promise<number> {
  const from = splitRef(src);
  const to = splitRef(dest);
  if ((from.service === undefined) === (to.service === undefined)) throw new BerthError('usage', 'copying between services or between local paths is not supported: name exactly one side as SERVICE:PATH');
  const ctx = await composeContext(cmd, { projectOptional: true });
  const c = await serviceContainer(ctx, (from.service ?? to.service) as string, replicaIndex(flags.index), false);
  if (from.service !== undefined) {
    const tarStream = await ctx.api.containers.getArchive(c.id, from.path);
    const target = path.resolve(to.path);
    const intoDir = existsSync(target) && statSync(target).isDirectory();
    const dir = intoDir ? target : path.dirname(target);
    const base = path.basename(from.path.replace(/\/+$/, ''));
    const rename = intoDir ? [] : [`--transform=s,^${escapeSed(base)},${escapeReplacement(path.basename(target))},`];
    const tar = spawn('tar', ['-x', '-C', dir, ...rename], { stdio: ['pipe', 'inherit', 'inherit'] });
    await pipeline(tarStream, tar.stdin);
    await exited(tar);
  } else {
    const local = path.resolve(from.path);
    if (!existsSync(local)) throw new BerthError('not_found', `no such file or directory: ${from.path}`);
    const intoDir = to.path.endsWith('/');
    const destDir = intoDir ? to.path : path.posix.dirname(to.path);
    const base = path.basename(local);
    const rename = intoDir ? [] : [`--transform=s,^${escapeSed(base)},${escapeReplacement(path.posix.basename(to.path))},`];
    const tar = spawn('tar', ['-c', '-C', path.dirname(local), ...rename, base], { stdio: ['ignore', 'pipe', 'inherit'] });
    await ctx.api.containers.putArchive(c.id, destDir, tar.stdout);
    await exited(tar);
  }
  return 0;
}

function splitRef(ref: string): { service?: string; path: string } {
  const m = /^([a-zA-Z0-9][a-zA-Z0-9_.-]*):(.*)$/.exec(ref);
  if (!m || ref.startsWith('/') || ref.startsWith('.')) return { path: ref };
  return { service: m[1] as string, path: m[2] as string };
}

function escapeSed(s: string): string {
  return s.replace(/[\\,.*[\]^$]/g, '\\$&');
}

function escapeReplacement(s: string): string {
  return s.replace(/[\\,&]/g, '\\$&');
}

function exited(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) {
      if (child.exitCode === 0) resolve();
      else reject(new BerthError('internal', `tar exited with code ${child.exitCode}`));
      return;
    }
    child.on('close', (code) => (code === 0 ? resolve() : reject(new BerthError('internal', `tar exited with code ${code}`))));
  });
}
