import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeBinary } from '../../../src/config/paths.js';
import { ShimConnection } from '../../../src/engine/containers/shim-attach.js';
import { killThroughShim, startThroughShim } from '../../../src/runtime/drivers/shim.js';
import { useLeakCheck } from '../../support/leaks.js';
import { CORE, SHIM, work, created, bundle, rt, until, cgroupDirs, alive, runtimes, useRuntimeCore } from './harness.js';

// berth-shim over berth-core (and runc): json-file log, exit.json, attach.sock, tty,
// surviving its launcher, cleanup on failure; berth-init as pid 1.
useLeakCheck();
useRuntimeCore();

describe('berth-shim', () => {
  interface Launch {
    stateDir: string;
    log: string;
    id: string;
    out: { shimPid: number; initPid: number };
  }

  function launch(which: 'core' | 'runc', b: { id: string; dir: string }, extra: string[] = []): Launch {
    const id = `${b.id}-${which}`;
    const stateDir = path.join(work, `${id}.shim`);
    const log = path.join(work, `${id}.log`);
    const runtime = which === 'core' ? CORE : 'runc';
    const r = spawnSync(SHIM, ['--runtime', runtime, '--runtime-arg', '--root', '--runtime-arg', path.join(work, `${which}-state`), '--id', id, '--bundle', b.dir, '--state-dir', stateDir, '--log', log, ...extra], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    created.push({ rt: which, id });
    return { stateDir, log, id, out: JSON.parse(r.stdout) as { shimPid: number; initPid: number } };
  }

  async function exitRecord(l: Launch): Promise<{ exitCode: number; signal?: number; exitedAt: string; oomKilled?: boolean }> {
    const f = path.join(l.stateDir, 'exit.json');
    await until('exit.json', () => existsSync(f));
    return JSON.parse(readFileSync(f, 'utf8')) as { exitCode: number; signal?: number; exitedAt: string };
  }

  function logLines(l: Launch): { log: string; stream: string; time: string }[] {
    return readFileSync(l.log, 'utf8')
      .split('\n')
      .filter((x) => x)
      .map((x) => JSON.parse(x) as { log: string; stream: string; time: string });
  }

  it('writes the json-file log and exit.json (same as under runc)', async () => {
    const results: unknown[] = [];
    for (const which of runtimes) {
      const b = bundle(['/bin/sh', '-c', 'echo out1; echo err1 >&2; printf "a<b>&\\001\\377\\n"; head -c 20000 /dev/zero | tr "\\0" x; printf "\\npart"; exit 3']);
      const l = launch(which, b);
      expect(readFileSync(path.join(l.stateDir, 'shim.pid'), 'utf8')).toBe(String(l.out.shimPid));
      expect(Number(readFileSync(path.join(l.stateDir, 'init.pid'), 'utf8'))).toBe(l.out.initPid);
      expect(rt(which, ['start', l.id]).status).toBe(0);
      const rec = await exitRecord(l);
      expect(rec.exitCode).toBe(3);
      expect(rec.exitedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
      const lines = logLines(l);
      for (const x of lines) expect(x.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
      const raw = readFileSync(l.log, 'utf8');
      expect(raw).toContain('"log":"a\\u003cb\\u003e\\u0026\\u0001\\ufffd\\n"');
      // the two pipes are read independently: compare each stream's entries, not their interleaving
      const per = (stream: string) => lines.filter((x) => x.stream === stream).map((x) => x.log);
      results.push({ exit: rec.exitCode, stdout: per('stdout'), stderr: per('stderr') });
      expect(lines.filter((x) => x.stream === 'stderr').map((x) => x.log)).toEqual(['err1\n']);
      const out = lines.filter((x) => x.stream === 'stdout').map((x) => x.log);
      expect(out[0]).toBe('out1\n');
      expect(out[2]!.length).toBe(16384); // partial line flushed at 16 KiB
      expect(out[3]).toBe('x'.repeat(20000 - 16384) + '\n');
      expect(out[4]).toBe('part');
      await until('shim exit', () => !alive(l.out.shimPid));
      expect(rt(which, ['delete', l.id]).status).toBe(0);
    }
    if (results.length === 2) expect(results[0]).toEqual(results[1]);
  });

  it('reports the runtime error and leaves nothing when create fails', () => {
    const b = bundle(['/nonexistent']);
    const stateDir = path.join(work, `${b.id}.shim`);
    const r = spawnSync(SHIM, ['--runtime', CORE, '--runtime-arg', '--root', '--runtime-arg', path.join(work, 'core-state'), '--id', b.id, '--bundle', b.dir, '--state-dir', stateDir, '--log', path.join(work, `${b.id}.log`)], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('berth-core: exec `/nonexistent`: no such file or directory\n');
    expect(existsSync(stateDir)).toBe(false);
    expect(existsSync(path.join(work, 'core-state', b.id))).toBe(false);

    // created, but the log cannot be opened: the shim removes the container again
    const ok = bundle(['/bin/true']);
    const r2 = spawnSync(SHIM, ['--runtime', CORE, '--runtime-arg', '--root', '--runtime-arg', path.join(work, 'core-state'), '--id', ok.id, '--bundle', ok.dir, '--state-dir', stateDir, '--log', '/nonexistent-dir/x.log'], { encoding: 'utf8' });
    expect(r2.status).toBe(1);
    expect(r2.stderr).toBe('berth-shim: open `/nonexistent-dir/x.log`: No such file or directory\n');
    expect(existsSync(stateDir)).toBe(false);
    expect(existsSync(path.join(work, 'core-state', ok.id))).toBe(false);
    expect(cgroupDirs(ok.id)).toEqual([]);
  });

  it('accepts a relative --runtime path (resolved before it leaves its cwd)', async () => {
    const b = bundle(['/bin/true']);
    const stateDir = path.join(work, `${b.id}.shim`);
    const r = spawnSync(SHIM, ['--runtime', './berth-core', '--runtime-arg', '--root', '--runtime-arg', path.join(work, 'core-state'), '--id', b.id, '--bundle', b.dir, '--state-dir', stateDir, '--log', path.join(work, `${b.id}.log`)], { encoding: 'utf8', cwd: path.dirname(CORE) });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    created.push({ rt: 'core', id: b.id });
    expect(rt('core', ['start', b.id]).status).toBe(0);
    await until('exit.json', () => existsSync(path.join(stateDir, 'exit.json')));
    expect(rt('core', ['delete', b.id]).status).toBe(0);
  });

  it('survives the death of its launcher, records a signal exit, stays under 1 MiB RSS', async () => {
    const b = bundle(['/bin/sleep', '60']);
    const id = `${b.id}-core`;
    const stateDir = path.join(work, `${id}.shim`);
    // a launcher that starts the shim and then lingers; we kill -9 it once the shim reports
    const launcher = spawn('sh', ['-c', `"${SHIM}" --runtime "${CORE}" --runtime-arg --root --runtime-arg "${path.join(work, 'core-state')}" --id ${id} --bundle "${b.dir}" --state-dir "${stateDir}" --log "${path.join(work, `${id}.log`)}" && exec sleep 60`], { stdio: 'ignore', detached: true });
    created.push({ rt: 'core', id });
    const shimPid = await until('shim.pid', () => existsSync(path.join(stateDir, 'init.pid')) && Number(readFileSync(path.join(stateDir, 'shim.pid'), 'utf8')));
    process.kill(-launcher.pid!, 'SIGKILL');
    await until('launcher gone', () => launcher.exitCode !== null || launcher.signalCode !== null);
    expect(alive(shimPid)).toBe(true);
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${shimPid}/status`, 'utf8'))?.[1]);
    expect(rss).toBeLessThanOrEqual(1024);
    expect(rt('core', ['start', id]).status).toBe(0);
    expect(rt('core', ['kill', id, 'KILL']).status).toBe(0);
    const rec = await exitRecord({ stateDir, log: '', id, out: { shimPid, initPid: 0 } });
    expect(rec).toMatchObject({ exitCode: 137, signal: 9 });
    await until('shim exit', () => !alive(shimPid));
    expect(rt('core', ['delete', id]).status).toBe(0);
  });

  /** A client of attach.sock: output frames collected per stream and in arrival order. */
  async function attachClient(l: Launch): Promise<{ conn: ShimConnection; out: () => string; err: () => string; seq: { stream: string; text: string }[] }> {
    const conn = await ShimConnection.connect(path.join(l.stateDir, 'attach.sock'));
    if (!conn) throw new Error('attach.sock: cannot connect');
    const seq: { stream: string; text: string }[] = [];
    conn.output((stream, data) => seq.push({ stream, text: data.toString() }));
    const of = (stream: string) => () => seq.filter((x) => x.stream === stream).map((x) => x.text).join('');
    return { conn, out: of('stdout'), err: of('stderr'), seq };
  }

  it('attach.sock frames stdout and stderr apart and in order, feeds stdin, closes it on request', async () => {
    const b = bundle(['/bin/sh', '-c', 'echo ready; read x; echo "out $x"; sleep 0.1; echo "err $x" >&2; sleep 0.1; echo out2; cat; echo cat-done >&2']);
    const l = launch('core', b, ['--stdin']);
    const a = await attachClient(l);
    expect(rt('core', ['start', l.id]).status).toBe(0);
    await until('ready', () => a.out() === 'ready\n');
    a.conn.stdin(Buffer.from('hello\n'));
    await until('out2', () => a.out().includes('out2\n'));
    expect(a.out()).toBe('ready\nout hello\nout2\n');
    expect(a.err()).toBe('err hello\n');
    // the order across the two streams, as written (the sleeps keep the pipes apart)
    expect(a.seq.map((x) => x.stream)).toEqual(['stdout', 'stdout', 'stderr', 'stdout']);
    a.conn.stdin(Buffer.from('via cat\n'));
    await until('cat', () => a.out().endsWith('via cat\n'));
    // cat ends only when its stdin is closed: frame 3
    a.conn.closeStdin();
    const rec = await exitRecord(l);
    expect(rec.exitCode).toBe(0);
    await a.conn.closed; // the shim closes the connection once the output is drained
    expect(a.err()).toBe('err hello\ncat-done\n');
    expect(logLines(l).map((x) => `${x.stream}:${x.log}`)).toEqual(['stdout:ready\n', 'stdout:out hello\n', 'stderr:err hello\n', 'stdout:out2\n', 'stdout:via cat\n', 'stderr:cat-done\n']);
    await until('shim exit', () => !alive(l.out.shimPid));
    expect(rt('core', ['delete', l.id]).status).toBe(0);
  });

  it('starts the container on request (frame 5): an attach made before misses nothing; a failed start says why', async () => {
    for (const which of runtimes) {
      const b = bundle(['/bin/sh', '-c', 'echo first; echo second >&2; exit 4']);
      const l = launch(which, b);
      const a = await attachClient(l);
      expect(await startThroughShim(l.stateDir)).toEqual({ code: 0, output: '' });
      expect((await exitRecord(l)).exitCode).toBe(4);
      await a.conn.closed;
      expect(a.out()).toBe('first\n');
      expect(a.err()).toBe('second\n');
      await until('shim exit', () => !alive(l.out.shimPid));
      expect(rt(which, ['delete', l.id]).status).toBe(0);
    }
    const l = launch('core', bundle(['/bin/sleep', '30']));
    expect((await startThroughShim(l.stateDir))?.code).toBe(0);
    // started already: the runtime's refusal comes back as the answer
    const again = await startThroughShim(l.stateDir);
    expect(again?.code).not.toBe(0);
    expect(again?.output).toMatch(/cannot start a container that is running/);
    expect(rt('core', ['kill', l.id, 'KILL']).status).toBe(0);
    await exitRecord(l);
    await until('shim exit', () => !alive(l.out.shimPid));
    expect(rt('core', ['delete', l.id]).status).toBe(0);
  });

  it('signals the container on request (frame 7): the init alone, or every process of its cgroup; not once it exited', async () => {
    for (const which of runtimes) {
      // A child that ignores nothing and outlives a SIGTERM to the init only if it is not signalled itself.
      const b = bundle(['/bin/sh', '-c', 'trap "echo init-term; exit 7" TERM; (trap "echo child-usr1; exit 0" USR1; while :; do sleep 0.05; done) & while :; do sleep 0.05; done']);
      const l = launch(which, b);
      const a = await attachClient(l);
      expect((await startThroughShim(l.stateDir))?.code).toBe(0);
      await new Promise((r) => setTimeout(r, 200));
      // SIGUSR1 to all: the child ends (the init, with no handler for it, is spared by its namespace)
      expect(await killThroughShim(l.stateDir, 10, true)).toBe(0);
      await until('the child', () => a.out().includes('child-usr1'));
      expect(await killThroughShim(l.stateDir, 15, false)).toBe(0); // SIGTERM to the init alone
      expect((await exitRecord(l)).exitCode).toBe(7);
      await a.conn.closed;
      expect(a.out()).toBe('child-usr1\ninit-term\n');
      await until('shim exit', () => !alive(l.out.shimPid));
      // gone: nobody to answer, the caller falls back to the runtime
      expect(await killThroughShim(l.stateDir, 15, false)).toBeUndefined();
      expect(rt(which, ['delete', l.id]).status).toBe(0);
    }
  });

  it('a client that stops reading holds the output back (the container waits), and is not dropped', async () => {
    const b = bundle(['/bin/sh', '-c', 'head -c 3000000 /dev/zero | tr "\\0" x; echo; echo done']);
    const l = launch('core', b);
    const conn = await ShimConnection.connect(path.join(l.stateDir, 'attach.sock'));
    if (!conn) throw new Error('attach.sock: cannot connect');
    let bytes = 0;
    let tail = '';
    conn.output((_stream, data) => {
      bytes += data.length;
      tail = (tail + data.toString()).slice(-7);
    });
    conn.pause();
    expect(rt('core', ['start', l.id]).status).toBe(0);
    // longer than the send timeout the shim wakes up on (and than the 10 s it used to drop a client after)
    await new Promise((r) => setTimeout(r, 11_000));
    expect(existsSync(path.join(l.stateDir, 'exit.json'))).toBe(false); // held back: still writing
    conn.resume();
    expect((await exitRecord(l)).exitCode).toBe(0);
    await conn.closed;
    expect(bytes).toBe(3_000_000 + 6);
    expect(tail).toBe('x\ndone\n');
    await until('shim exit', () => !alive(l.out.shimPid));
    expect(rt('core', ['delete', l.id]).status).toBe(0);
  }, 30_000);

  it('attach.sock resizes the tty (TIOCSWINSZ on the pty master)', async () => {
    const b = bundle(['/bin/sh', '-c', 'read x; stty size; read x; stty size'], (s) => {
      s.process.terminal = true;
    });
    const l = launch('core', b, ['--tty', '--stdin']);
    const a = await attachClient(l);
    expect(rt('core', ['start', l.id]).status).toBe(0);
    a.conn.resize(43, 121);
    a.conn.stdin(Buffer.from('one\n'));
    await until('first size', () => a.out().includes('121'));
    a.conn.resize(25, 80);
    a.conn.stdin(Buffer.from('two\n'));
    expect((await exitRecord(l)).exitCode).toBe(0);
    await a.conn.closed;
    expect(a.out()).toBe('one\r\n43 121\r\ntwo\r\n25 80\r\n');
    await until('shim exit', () => !alive(l.out.shimPid));
    expect(rt('core', ['delete', l.id]).status).toBe(0);
  });

  it('rotates the json-file log as Docker does (--log-max-size, --log-max-file)', async () => {
    // 400 lines of 100 bytes of output, each entry ~160 bytes of JSON: many rotations at 2000 bytes
    const b = bundle(['/bin/sh', '-c', 'i=0; while [ $i -lt 400 ]; do printf "%099d\\n" $i; i=$((i+1)); done']);
    const l = launch('core', b, ['--log-max-size', '2000', '--log-max-file', '3']);
    expect(rt('core', ['start', l.id]).status).toBe(0);
    expect((await exitRecord(l)).exitCode).toBe(0);
    await until('shim exit', () => !alive(l.out.shimPid));
    expect(existsSync(`${l.log}.1`)).toBe(true);
    expect(existsSync(`${l.log}.2`)).toBe(true);
    expect(existsSync(`${l.log}.3`)).toBe(false);
    const entries = (f: string) => readFileSync(f, 'utf8').split('\n').filter((x) => x).map((x) => Number((JSON.parse(x) as { log: string }).log));
    // rotated files reached max-size before the rotation (the entry that crossed it included)
    for (const f of [`${l.log}.1`, `${l.log}.2`]) {
      const size = statSync(f).size;
      expect(size).toBeGreaterThanOrEqual(2000);
      expect(size).toBeLessThan(2000 + 200);
    }
    // oldest to newest, they are the last lines written, without a gap
    const kept = [...entries(`${l.log}.2`), ...entries(`${l.log}.1`), ...entries(l.log)];
    expect(kept.at(-1)).toBe(399);
    expect(kept).toEqual(kept.map((_, i) => 399 - (kept.length - 1) + i));
    expect(rt('core', ['delete', l.id]).status).toBe(0);

    // one file (max-file 1, as Docker's default): truncated in place, nothing rotated
    const one = launch('core', bundle(['/bin/sh', '-c', 'i=0; while [ $i -lt 100 ]; do printf "%099d\\n" $i; i=$((i+1)); done']), ['--log-max-size', '2000']);
    expect(rt('core', ['start', one.id]).status).toBe(0);
    expect((await exitRecord(one)).exitCode).toBe(0);
    await until('shim exit', () => !alive(one.out.shimPid));
    expect(existsSync(`${one.log}.1`)).toBe(false);
    const last = entries(one.log);
    expect(last.at(-1)).toBe(99);
    expect(last.length).toBeLessThan(20);
    expect(statSync(one.log).size).toBeLessThan(2000 + 200);
    expect(rt('core', ['delete', one.id]).status).toBe(0);
  });

  it('with --tty the container gets a pty (console socket) and output lands in the log', async () => {
    for (const which of runtimes) {
      const b = bundle(['/bin/sh', '-c', 'tty; [ -t 0 ] && echo is-a-tty'], (s) => {
        s.process.terminal = true;
      });
      const l = launch(which, b, ['--tty']);
      expect(rt(which, ['start', l.id]).status).toBe(0);
      expect((await exitRecord(l)).exitCode).toBe(0);
      const text = logLines(l).map((x) => x.log).join('');
      expect(text).toBe('/dev/pts/0\r\nis-a-tty\r\n');
      expect(logLines(l).every((x) => x.stream === 'stdout')).toBe(true);
      await until('shim exit', () => !alive(l.out.shimPid));
      expect(rt(which, ['delete', l.id]).status).toBe(0);
    }
  });

  it('berth-init as pid 1 forwards signals to the command and reaps orphans', async () => {
    const init = nativeBinary('berth-shim').replace(/berth-shim$/, 'berth-init');
    const b = bundle(['/tmp/berth-init', '--', '/bin/sh', '-c', 'sh -c "sleep 0 &"; i=0; while [ $i -lt 1000 ] && grep -q "^State:.*Z" /proc/[0-9]*/status 2>/dev/null; do i=$((i+1)); done; echo pid1=$(cat /proc/1/comm) zombies-gone=$([ $i -lt 1000 ] && echo yes); exec sleep 60'], (s) => {
      (s.mounts as unknown[]).push({ destination: '/tmp/berth-init', type: 'bind', source: init, options: ['bind', 'ro', 'nosuid', 'nodev'] });
    });
    const l = launch('core', b);
    expect(rt('core', ['start', l.id]).status).toBe(0);
    await until('output', () => existsSync(l.log) && readFileSync(l.log, 'utf8').includes('zombies-gone'));
    expect(logLines(l).map((x) => x.log)).toEqual(['pid1=berth-init zombies-gone=yes\n']);
    expect(rt('core', ['kill', l.id, 'TERM']).status).toBe(0);
    expect(await exitRecord(l)).toMatchObject({ exitCode: 143 });
    await until('shim exit', () => !alive(l.out.shimPid));
    expect(rt('core', ['delete', l.id]).status).toBe(0);
  });

  it('records oomKilled when the memory cgroup killed the init', async () => {
    const b = bundle(['/bin/sh', '-c', 'x=$(head -c 200000000 /dev/zero | tr "\\0" a)'], (s) => {
      s.linux.resources = { memory: { limit: 32 * 1024 * 1024, swap: 32 * 1024 * 1024 } };
    });
    const l = launch('core', b);
    expect(rt('core', ['start', l.id]).status).toBe(0);
    expect(await exitRecord(l)).toMatchObject({ exitCode: 137, signal: 9, oomKilled: true });
    await until('shim exit', () => !alive(l.out.shimPid));
    expect(rt('core', ['delete', l.id]).status).toBe(0);
  });
});
