import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTool } from '../../../src/engine/spawn-server.js';

// Host tools through the long-lived sh: argv must arrive exactly as given (no shell
// interpretation of ours leaking through), with stdin, cwd, status and both outputs.

describe('runTool', () => {
  it('passes arguments verbatim, however they are quoted', async () => {
    const tricky = ["it's", 'a "b"', '$HOME', '`id`', '; rm -rf /', '*', '\\', ''];
    const r = await runTool('printf', ['%s|', ...tricky]);
    expect(r).toEqual({ code: 0, stdout: `${tricky.join('|')}|`, stderr: '' });
  });

  it('feeds stdin, runs in cwd, reports status and stderr', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spawn-test-'));
    try {
      expect((await runTool('cat', [], { input: 'line one\nline two\n' })).stdout).toBe('line one\nline two\n');
      expect((await runTool('pwd', [], { cwd: dir })).stdout.trim()).toBe(dir);
      const r = await runTool('sh', ['-c', 'echo out; echo err >&2; exit 3']);
      expect(r).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps concurrent requests apart', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => runTool('sh', ['-c', `sleep 0.0${i % 3}; echo ${i}; exit ${i % 7}`])));
    results.forEach((r, i) => expect(r).toEqual({ code: i % 7, stdout: `${i}\n`, stderr: '' }));
  });

  it('gives the tool default signal dispositions and an empty mask (containers inherit them through berth-shim)', async () => {
    const status = (await runTool('cat', ['/proc/self/status'])).stdout;
    // The sh server's background jobs have SIGINT and SIGQUIT ignored (berth-shim resets
    // those); nothing else may be, glibc's internal 32 and 33 least (the shim cannot reset them).
    const ignored = BigInt(`0x${/^SigIgn:\s+([0-9a-f]+)$/m.exec(status)?.[1] ?? 'ff'}`);
    expect(ignored & ~0x6n).toBe(0n);
    expect(status).toMatch(/^SigBlk:\s+0+$/m);
  });

  it('reports a missing tool as status 127 or ENOENT, and a newline argument still works', async () => {
    const missing = await runTool('/nonexistent/tool', []).then((r) => r.code, (e: NodeJS.ErrnoException) => e.code);
    expect([127, 'ENOENT']).toContain(missing);
    expect((await runTool('printf', ['%s', 'a\nb'])).stdout).toBe('a\nb');
    // many arguments (a coalesced umount of many targets): all of them arrive
    const many = Array.from({ length: 5000 }, (_, i) => String(i));
    expect((await runTool('printf', ['%s,', ...many])).stdout).toBe(`${many.join(',')},`);
  });

  it('leaves no request files behind (berth-spawn deletes the request and stdin files, berthd the outputs)', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => runTool('cat', [], { input: `in ${i}` })));
    // The server's scratch dir: the argument of our berth-spawn child (absent under the sh loop: nothing to check).
    const scratch = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .map((p) => {
        try {
          const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
          const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid && argv[0]?.endsWith('/berth-spawn') ? argv[1] : undefined;
        } catch {
          return undefined;
        }
      })
      .find((d) => d !== undefined);
    if (scratch === undefined || !existsSync(scratch)) return;
    expect(readdirSync(scratch)).toEqual([]);
  });
});
