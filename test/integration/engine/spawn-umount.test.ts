import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useLeakCheck } from '../../support/leaks.js';

// berth-spawn unmounts by itself (umount2) for `umount` of absolute paths, and mounts an
// overlay by itself (mount(2)): umount(8)'s and mount(8)'s status and messages, no
// util-linux process.

useLeakCheck();

const base = mkdtempSync(path.join(tmpdir(), 'berth-umount-'));
const bin = path.join(base, 'bin');
const runs = path.join(base, 'umount-runs');
mkdirSync(bin);
writeFileSync(path.join(bin, 'umount'), `#!/bin/sh\necho run >> ${runs}\nexec /bin/umount "$@"\n`);
chmodSync(path.join(bin, 'umount'), 0o755);
const mountRuns = path.join(base, 'mount-runs');
writeFileSync(path.join(bin, 'mount'), `#!/bin/sh\necho run >> ${mountRuns}\nexec /bin/mount "$@"\n`);
chmodSync(path.join(bin, 'mount'), 0o755);
process.env.PATH = `${bin}:${process.env.PATH ?? ''}`;
const { runTool } = await import('../../../src/engine/spawn-server.js');
const native = existsSync(path.resolve('dist/native/berth-spawn')) && process.env.BERTH_SPAWN_SERVER === undefined;
const mounted = (dir: string): boolean => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === dir);
const dirs = ['a', 'b', 'c', 'd', 'merged'].map((n) => path.join(base, n));

afterAll(() => {
  for (const d of dirs) if (mounted(d)) execFileSync('umount', ['-l', d]);
  rmSync(base, { recursive: true, force: true });
});

describe.skipIf(!native)('umount through berth-spawn', () => {
  it('unmounts each target itself, with umount(8)\'s status and messages', async () => {
    for (const d of dirs.slice(0, 4)) {
      mkdirSync(d);
      if (d !== dirs[2]) execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', d]);
    }
    const [a = '', b = '', c = '', d = ''] = dirs;
    expect(await runTool('umount', [a, b])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(mounted(a) || mounted(b)).toBe(false);
    const some = await runTool('umount', [c, d]);
    expect(some.code).toBe(64);
    expect(some.stderr).toBe(`umount: ${c}: not mounted.\n`);
    expect(mounted(d)).toBe(false);
    expect((await runTool('umount', [c])).code).toBe(32);
    // Busy (a process's cwd): refused, then detached with -l.
    execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', a]);
    const holder = spawn('sleep', ['30'], { cwd: a, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const busy = await runTool('umount', [a]);
      expect(busy.code).toBe(32);
      expect(busy.stderr).toMatch(/busy/);
      expect((await runTool('umount', ['-l', a])).code).toBe(0);
      expect(mounted(a)).toBe(false);
    } finally {
      holder.kill('SIGKILL');
    }
    // None of that ran umount(8); a relative target still does.
    expect(existsSync(runs)).toBe(false);
    await runTool('umount', ['not-absolute']);
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
  });
});

describe.skipIf(!native)('overlay mount through berth-spawn', () => {
  it('mounts itself in the request\'s working directory (relative lower dirs), with mount(8)\'s status and message', async () => {
    const merged = path.join(base, 'merged');
    rmSync(mountRuns, { force: true }); // the first test's tmpfs mounts went through the wrapper
    for (const d of ['lower', 'upper', 'work', 'merged']) mkdirSync(path.join(base, d), { recursive: true });
    writeFileSync(path.join(base, 'lower', 'f'), 'from the lower layer\n');
    const options = `lowerdir=lower,upperdir=${path.join(base, 'upper')},workdir=${path.join(base, 'work')}`;
    expect(await runTool('mount', ['-t', 'overlay', 'overlay', '-o', options, merged], { cwd: base })).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(path.join(merged, 'f'), 'utf8')).toBe('from the lower layer\n');
    writeFileSync(path.join(merged, 'g'), 'written\n');
    expect(readFileSync(path.join(base, 'upper', 'g'), 'utf8')).toBe('written\n');
    expect((await runTool('umount', [merged])).code).toBe(0);
    // a lower dir that is not there: mount(8)'s status, the kernel's reason
    const bad = await runTool('mount', ['-t', 'overlay', 'overlay', '-o', options.replace('lowerdir=lower', 'lowerdir=missing'), merged], { cwd: base });
    expect(bad.code).toBe(32);
    expect(bad.stderr).toBe(`mount: ${merged}: No such file or directory\n`);
    expect(mounted(merged)).toBe(false);
    // none of that ran mount(8); another mount still does
    expect(existsSync(mountRuns)).toBe(false);
    await runTool('mount', ['--version']);
    expect(readFileSync(mountRuns, 'utf8')).toBe('run\n');
  });
});
