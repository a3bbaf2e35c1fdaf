import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useLeakCheck } from '../../support/leaks.js';

// The trash deletes the directories emptied together with one `rm`, and never one with
// something still mounted below it.

useLeakCheck();

const base = mkdtempSync(path.join(tmpdir(), 'berth-trash-'));
const busy = path.join(base, 'trash', 'busy', 'rootfs');
// An `rm` first in PATH that notes each run (tools are found through PATH once, at load).
const bin = path.join(base, 'bin');
const runs = path.join(base, 'rm-runs');
mkdirSync(bin);
writeFileSync(path.join(bin, 'rm'), `#!/bin/sh\necho run >> ${runs}\nexec /bin/rm "$@"\n`);
chmodSync(path.join(bin, 'rm'), 0o755);
process.env.PATH = `${bin}:${process.env.PATH ?? ''}`;
const { Trash } = await import('../../../src/engine/containers/trash.js');

afterAll(() => {
  try {
    execFileSync('umount', [busy], { stdio: 'ignore' });
  } catch {
    // not mounted
  }
  rmSync(base, { recursive: true, force: true });
});

describe('Trash', () => {
  it('deletes many directories at once, and keeps one with a mount below it', async () => {
    const unmounted: string[] = [];
    const trash = new Trash(path.join(base, 'trash'), (dir) => {
      unmounted.push(dir);
      return Promise.resolve();
    });
    const dirs: string[] = [];
    for (let i = 0; i < 12; i++) {
      const src = path.join(base, `c${i}`);
      mkdirSync(path.join(src, 'rootfs', 'etc'), { recursive: true });
      writeFileSync(path.join(src, 'rootfs', 'etc', 'hosts'), 'x');
      const to = await trash.take(src, `c${i}`);
      if (!to) throw new Error('not taken');
      dirs.push(to);
    }
    mkdirSync(busy, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', busy]);
    const results = await Promise.allSettled([...dirs, path.dirname(busy)].map((d) => trash.empty(d)));
    expect(results.slice(0, 12).every((r) => r.status === 'fulfilled')).toBe(true);
    const last = results[12];
    expect(last?.status).toBe('rejected');
    expect(String(last?.status === 'rejected' ? last.reason : '')).toContain('still mounted');
    expect(dirs.filter((d) => existsSync(d))).toEqual([]);
    expect(existsSync(busy)).toBe(true);
    expect(unmounted.length).toBe(13);
    // One rm for the first, the rest together (one per batch), not one each.
    const rms = readFileSync(runs, 'utf8').split('\n').filter(Boolean).length;
    expect(rms).toBeGreaterThan(0);
    expect(rms).toBeLessThanOrEqual(3);
  });
});
