import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '../../support/leaks.js';
import { CORE, work, created, bundle, rt, until, cgroupDirs, alive, startDetached, state, runtimes, nextSeq, useRuntimeCore } from './harness.js';

// berth-core's verbs (create/start/state/kill/delete/exec/pause/resume/ps), a pure cgroup v2
// view, and the error convention with no leftovers on bad input.
useLeakCheck();
useRuntimeCore();

describe('berth-core lifecycle', () => {
  it('create blocks the init before exec until start; state follows created → running → stopped', async () => {
    const b = bundle(['/bin/sh', '-c', 'echo started > /dev/shm/flag; exec sleep 60']);
    const id = `${b.id}-core`;
    const stateRoot = path.join(work, 'core-state');
    const pidFile = path.join(work, `${id}.pid`);
    expect(rt('core', ['create', '--bundle', b.dir, '--pid-file', pidFile, id], { detached: true }).status).toBe(0);
    created.push({ rt: 'core', id });
    const st = state('core', id);
    expect(st.status).toBe('created');
    expect(Number(readFileSync(pidFile, 'utf8'))).toBe(st.pid);
    expect(existsSync(path.join(stateRoot, id, 'state.json'))).toBe(true);
    expect(readFileSync(`/proc/${st.pid}/cmdline`, 'utf8')).not.toContain('sleep');
    expect(rt('core', ['start', id]).status).toBe(0);
    await until('sleep to exec', () => readFileSync(`/proc/${st.pid}/cmdline`, 'utf8').startsWith('sleep'));
    expect(state('core', id).status).toBe('running');
    expect(rt('core', ['start', id]).stderr).toMatch(/^berth-core: start `.*`: cannot start a container that is running\n$/);
    expect(rt('core', ['delete', id]).status).toBe(1);
    expect(rt('core', ['kill', id, 'KILL']).status).toBe(0);
    // the init's parent (this create's caller is gone) is the subreaper/init: wait for it to go
    await until('stopped', () => state('core', id).status === 'stopped');
    expect(rt('core', ['delete', id]).status).toBe(0);
    expect(existsSync(path.join(stateRoot, id))).toBe(false);
    expect(cgroupDirs(b.id)).toEqual([]);
  });

  it('execs into a running container (namespaces, cgroup, exit code, env, user)', () => {
    const b = bundle(['/bin/sleep', '60']);
    const id = startDetached('core', b);
    const initPid = state('core', id).pid;
    const r = rt('core', ['exec', '--env', 'X=1', id, '/bin/sh', '-c', 'echo $$ $X; hostname; cat /proc/1/cmdline | tr "\\0" " "; echo; id -u']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(Number(lines[0]!.split(' ')[0])).toBeGreaterThan(1);
    expect(lines[0]!.split(' ')[1]).toBe('1');
    expect(lines.slice(1, 4)).toEqual(['box', '/bin/sleep 60 ', '0']);
    expect(rt('core', ['exec', '--user', '1000:1000', id, 'id']).stdout).toBe('uid=1000(app) gid=1000(app)\n');
    expect(rt('core', ['exec', id, '/bin/sh', '-c', 'exit 7']).status).toBe(7);
    const cg = rt('core', ['exec', id, 'cat', '/proc/self/cgroup']).stdout;
    expect(cg).toBe(readFileSync(`/proc/${initPid}/cgroup`, 'utf8').replace(/:\/berth-test\/[^\n]*/g, ':/'));
    const bad = rt('core', ['exec', id, '/nonexistent']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('berth-core: exec `/nonexistent`: no such file or directory\n');
    const proc = path.join(work, 'proc.json');
    writeFileSync(proc, JSON.stringify({ args: ['/bin/sh', '-c', 'echo $Y; pwd'], env: ['Y=2'], cwd: '/tmp', user: { uid: 0, gid: 0 } }));
    expect(rt('core', ['exec', '--process', proc, id]).stdout).toBe('2\n/tmp\n');
    const pidFile = path.join(work, `${id}.exec.pid`);
    const det = rt('core', ['exec', '--detach', '--pid-file', pidFile, id, '/bin/sleep', '30'], { detached: true });
    expect(det.status, det.stderr).toBe(0);
    const execPid = Number(readFileSync(pidFile, 'utf8'));
    expect(readFileSync(`/proc/${execPid}/cmdline`, 'utf8')).toBe('/bin/sleep\x0030\x00');
    expect(readFileSync(`/proc/${execPid}/cgroup`, 'utf8')).toBe(readFileSync(`/proc/${initPid}/cgroup`, 'utf8'));
    expect(rt('core', ['delete', '-f', id]).status).toBe(0);
    expect(alive(initPid)).toBe(false);
    expect(alive(execPid)).toBe(false);
  });

  it('exec agrees with runc (exit code, user, env, cwd, missing executable)', () => {
    const out: Record<string, unknown> = {};
    for (const which of runtimes) {
      const id = startDetached(which, bundle(['/bin/sleep', '60']));
      const ex = (args: string[]) => {
        const r = rt(which, ['exec', ...args]);
        return { status: r.status, stdout: r.stdout };
      };
      out[which] = [
        ex([id, '/bin/sh', '-c', 'exit 7']),
        ex(['--user', '1000:1000', '--env', 'A=b', '--cwd', '/tmp', id, '/bin/sh', '-c', 'id; echo $A; pwd']),
        ex([id, '/bin/sh', '-c', 'kill -TERM $$']),
        ex([id, '/nonexistent']).status === 0,
      ];
      expect(rt(which, ['delete', '--force', id]).status).toBe(0);
    }
    expect(out.core).toEqual([{ status: 7, stdout: '' }, { status: 0, stdout: 'uid=1000(app) gid=1000(app)\nb\n/tmp\n' }, { status: 143, stdout: '' }, false]);
    if (out.runc) expect(out.runc).toEqual(out.core);
  });

  it('releases a non-root init through exec.fifo; ps lists the container processes', async () => {
    const b = bundle(['/bin/sh', '-c', 'id > /dev/shm/id; exec sleep 60'], (s) => {
      s.process.user = { uid: 1000, gid: 1000 };
    });
    const id = startDetached('core', b);
    const pid = state('core', id).pid;
    await until('sleep to exec', () => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep'));
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/Uid:\s+1000\s+1000\s+1000\s+1000/);
    expect(rt('core', ['exec', id, 'cat', '/dev/shm/id']).stdout).toBe('uid=1000(app) gid=1000(app)\n');
    expect(JSON.parse(rt('core', ['ps', '--format', 'json', id]).stdout)).toEqual([pid]);
    expect(rt('core', ['delete', '--force', id]).status).toBe(0);
  });

  it.skipIf(spawnSync('python3', ['-c', 'import socket; socket.recv_fds']).status !== 0)('exec --tty sends a pty master over --console-socket', () => {
    // python receives the SCM_RIGHTS fd (node cannot) and copies the pty output to its stdout
    const helper = [
      'import os, socket, subprocess, sys',
      'srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); srv.bind(sys.argv[1]); srv.listen(1)',
      'p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL)',
      'conn, _ = srv.accept(); _, fds, _, _ = socket.recv_fds(conn, 64, 1)',
      'out = b""',
      'while True:',
      '    try: d = os.read(fds[0], 4096)',
      '    except OSError: break',
      '    if not d: break',
      '    out += d',
      'sys.stdout.write(out.decode()); sys.exit(p.wait())',
    ].join('\n');
    const b = bundle(['/bin/sleep', '60']);
    const id = startDetached('core', b);
    const sock = path.join(work, `${id}.console`);
    const r = spawnSync('python3', ['-c', helper, sock, CORE, '--root', path.join(work, 'core-state'), 'exec', '--tty', '--console-socket', sock, id, '/bin/sh', '-c', 'tty; [ -t 1 ] && echo tty-out; exit 5'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout).toMatch(/^\/dev\/pts\/\d+\r\ntty-out\r\n$/);
    expect(r.status).toBe(5);
    expect(rt('core', ['delete', '--force', id]).status).toBe(0);
  });

  it('an exec inherits the container\'s capabilities, no_new_privs and rlimits unless it gives its own', () => {
    const b = bundle(['/bin/sleep', '60']);
    const id = startDetached('core', b);
    const show = ['/bin/sh', '-c', 'grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status; grep "^Max open files" /proc/self/limits'];
    const proc = (extra: Record<string, unknown>): string => {
      const f = path.join(work, `proc-${nextSeq()}.json`);
      writeFileSync(f, JSON.stringify({ args: show, env: ['PATH=/bin'], cwd: '/', user: { uid: 0, gid: 0 }, ...extra }));
      return f;
    };
    const docker = 'CapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\nNoNewPrivs:\t1\n';
    const files = /^Max open files\s+1024\s+1024\s+files\s*$/m;
    // the process says nothing: the container's (bundle: Docker's 14, no_new_privs, NOFILE 1024)
    const bare = rt('core', ['exec', '--process', proc({}), id]);
    expect(bare.stderr).toBe('');
    expect(bare.stdout.startsWith(docker)).toBe(true);
    expect(bare.stdout).toMatch(files);
    // what the process gives wins: no capabilities at all, no_new_privs off, its own rlimit
    const own = rt('core', ['exec', '--process', proc({ capabilities: {}, noNewPrivileges: false, rlimits: [{ type: 'RLIMIT_NOFILE', soft: 77, hard: 88 }] }), id]);
    expect(own.stdout).toMatch(/^CapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nNoNewPrivs:\t0\nMax open files\s+77\s+88\s+files\s*\n$/);
    // args: the container's set plus --cap
    const plus = rt('core', ['exec', '--cap', 'CAP_SYS_ADMIN', id, ...show]);
    expect(plus.stdout.startsWith('CapEff:\t00000000a82425fb\nCapBnd:\t00000000a82425fb\nNoNewPrivs:\t1\n')).toBe(true);
    // what create saved counts, not the bundle edited afterwards
    const loose = JSON.parse(readFileSync(path.join(b.dir, 'config.json'), 'utf8')) as { process: Record<string, unknown> };
    loose.process.capabilities = undefined;
    loose.process.noNewPrivileges = false;
    writeFileSync(path.join(b.dir, 'config.json'), JSON.stringify(loose));
    expect(rt('core', ['exec', '--process', proc({}), id]).stdout.startsWith(docker)).toBe(true);
    expect(rt('core', ['exec', id, ...show]).stdout.startsWith(docker)).toBe(true);
    // a state.json from before execDefaults: the bundle's config.json is all there is
    const statePath = path.join(work, 'core-state', id, 'state.json');
    const st = JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, unknown>;
    expect(st.execDefaults).toMatchObject({ noNewPrivileges: true, capabilities: { bounding: expect.any(Array) as unknown } });
    delete st.execDefaults;
    writeFileSync(statePath, JSON.stringify(st));
    const hostBnd = /^CapBnd:\t(\w+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '?';
    expect(rt('core', ['exec', '--process', proc({}), id]).stdout.startsWith(`CapEff:\t${hostBnd}\nCapBnd:\t${hostBnd}\nNoNewPrivs:\t0\n`)).toBe(true);
    expect(rt('core', ['delete', '--force', id]).status).toBe(0);
  });

  it('exec --tty and run of a terminal bundle without --console-socket proxy the pty over stdio', () => {
    const b = bundle(['/bin/sleep', '60']);
    const id = startDetached('core', b);
    const root = path.join(work, 'core-state');
    const ex = spawnSync(CORE, ['--root', root, 'exec', '--tty', id, '/bin/sh', '-c', 'tty; stty size; read l; echo got=$l; exit 5'], { input: 'hello\n', encoding: 'utf8', timeout: 20_000 });
    expect(ex.stderr).toBe('');
    expect(ex.status).toBe(5);
    expect(ex.stdout).toMatch(/^\/dev\/pts\/\d+\r\n/m);
    expect(ex.stdout).toContain('got=hello\r\n');
    // detached, nobody would hold the pty
    const det = rt('core', ['exec', '--tty', '--detach', id, '/bin/true']);
    expect(det.stderr).toBe(`berth-core: exec \`${id}\`: a detached exec on a terminal needs --console-socket\n`);
    expect(rt('core', ['delete', '--force', id]).status).toBe(0);
    const t = bundle(['/bin/sh', '-c', 'tty; [ -t 0 ] && echo in-tty; exit 3'], (s) => {
      s.process.terminal = true;
    });
    // (runc insists on a controlling terminal of its own here: open /dev/tty)
    const r = rt('core', ['run', '--bundle', t.dir, `${t.id}-core`]);
    expect(r.stderr).toBe('');
    expect({ status: r.status, stdout: r.stdout.replace(/\/dev\/pts\/\d+/, '/dev/pts/N') }).toEqual({ status: 3, stdout: '/dev/pts/N\r\nin-tty\r\n' });
  });

  it('runs the OCI hooks in order, in the right namespaces, with the state on stdin', async () => {
    const log = path.join(work, `hooks-${nextSeq()}.log`);
    const script = path.join(work, `hook-${nextSeq()}.sh`);
    writeFileSync(script, '#!/bin/sh\nstate=$(cat)\necho "$1 $(echo "$state" | grep -o \'"status":"[a-z]*"\') $(readlink /proc/self/ns/pid)" >> "$2"\n', { mode: 0o755 });
    const hook = (name: string) => [{ path: script, args: [script, name, log] }];
    const b = bundle(['/bin/sh', '-c', 'cat /tmp/started; exec sleep 60'], (s) => {
      s.hooks = {
        prestart: hook('prestart'),
        createRuntime: hook('createRuntime'),
        createContainer: hook('createContainer'),
        // runs inside the container, after pivot_root: it can only use the container's files
        startContainer: [{ path: '/bin/sh', args: ['sh', '-c', 'grep -o "\\"status\\":\\"[a-z]*\\"" > /tmp/started'] }],
        poststart: hook('poststart'),
        poststop: hook('poststop'),
      };
    });
    const id = `${b.id}-core`;
    const out = path.join(work, `${id}.out`);
    const fd = openSync(out, 'w');
    const r = spawnSync(CORE, ['--root', path.join(work, 'core-state'), 'create', '--bundle', b.dir, id], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    expect(r.status, readFileSync(out, 'utf8')).toBe(0);
    created.push({ rt: 'core', id });
    expect(rt('core', ['start', id]).status).toBe(0);
    await until('main process output', () => readFileSync(out, 'utf8').includes('status'));
    expect(readFileSync(out, 'utf8')).toBe('"status":"created"\n');
    expect(rt('core', ['delete', '--force', id]).status).toBe(0);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' '));
    const hostNs = readlinkSync('/proc/self/ns/pid');
    expect(lines.map((l) => `${l[0]} ${l[1]}`)).toEqual([
      'prestart "status":"creating"',
      'createRuntime "status":"creating"',
      'createContainer "status":"creating"',
      'poststart "status":"running"',
      'poststop "status":"stopped"',
    ]);
    // runtime-namespace hooks share our pid namespace; createContainer runs in the container's
    expect([lines[0]![2], lines[1]![2], lines[3]![2], lines[4]![2]]).toEqual([hostNs, hostNs, hostNs, hostNs]);
    expect(lines[2]![2]).not.toBe(hostNs);
  });

  it('a failing createRuntime hook fails create with its output, leaving nothing', () => {
    const b = bundle(['/bin/true'], (s) => {
      s.hooks = { createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', 'echo no network for you; exit 3'] }] };
    });
    const r = rt('core', ['create', '--bundle', b.dir, `${b.id}-core`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('berth-core: createRuntime: hook `/bin/sh`: exited with status 3: no network for you\n');
    expect(existsSync(path.join(work, 'core-state', `${b.id}-core`))).toBe(false);
    expect(cgroupDirs(b.id)).toEqual([]);
  });

  it('records the cgroup hierarchies in its state and uses them (no mountinfo read); an older state still works', async () => {
    const stateRoot = path.join(work, 'core-state');
    for (const older of [false, true]) {
      const b = bundle(['/bin/sh', '-c', 'while :; do sleep 0.05; done']);
      const id = startDetached('core', b);
      const file = path.join(stateRoot, id, 'state.json');
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { cgroupMounts?: { unified: string; v1: { controllers: string; mount: string }[] } };
      const mounts = saved.cgroupMounts;
      expect(mounts).toBeDefined();
      const v1 = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => / - cgroup /.test(l)).map((l) => l.split(' ')[4]);
      for (const h of mounts?.v1 ?? []) expect(v1).toContain(h.mount);
      if (older) {
        delete saved.cgroupMounts;
        writeFileSync(file, JSON.stringify(saved));
      }
      expect(rt('core', ['kill', '--all', id, '9']).status).toBe(0);
      await until('stopped', () => state('core', id).status === 'stopped');
      expect(rt('core', ['delete', id]).status).toBe(0);
      expect(cgroupDirs(b.id)).toEqual([]);
    }
  });

  it('pauses and resumes with the freezer', async () => {
    const b = bundle(['/bin/sh', '-c', 'while :; do echo tick > /dev/null; done']);
    const id = startDetached('core', b);
    expect(rt('core', ['pause', id]).status).toBe(0);
    expect(state('core', id).status).toBe('paused');
    const pid = state('core', id).pid;
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/State:\s+[DS]/);
    expect(rt('core', ['pause', id]).stderr).toMatch(/^berth-core: pause `.*`: container is paused, not running\n$/);
    expect(rt('core', ['resume', id]).status).toBe(0);
    expect(state('core', id).status).toBe('running');
    expect(rt('core', ['kill', '--all', id, '9']).status).toBe(0);
    await until('stopped', () => state('core', id).status === 'stopped');
    expect(rt('core', ['delete', id]).status).toBe(0);
  });
});

describe('berth-core on a pure cgroup v2 view', () => {
  // This host is hybrid; a private mount namespace without the v1 mounts gives berth-core a
  // pure v2 view of the same kernel (its cgroup2 hierarchy has no controllers here, so only
  // the controller-free parts - directories, membership, cgroup.freeze, cgroup ns - are checked).
  const v1 = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => / - cgroup /.test(l))
    .map((l) => l.split(' ')[4]!);
  const unified = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .find((l) => / - cgroup2 /.test(l))
    ?.split(' ')[4];

  function v2(args: string[], detached = false): SpawnSyncReturns<string> {
    const script = `for m in ${v1.join(' ')}; do umount "$m" || exit 99; done; exec "$@"`;
    const argv = ['-m', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', CORE, '--root', path.join(work, 'core-state'), ...args];
    if (!detached) return spawnSync('unshare', argv, { encoding: 'utf8', timeout: 30_000 });
    const errFile = path.join(work, `stderr-${nextSeq()}`);
    const fd = openSync(errFile, 'w+');
    try {
      const r = spawnSync('unshare', argv, { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', fd, fd] });
      return { ...r, stderr: readFileSync(errFile, 'utf8') };
    } finally {
      closeSync(fd);
    }
  }

  it.skipIf(unified === undefined)('runs, pauses with cgroup.freeze and cleans up its cgroup', async () => {
    const b = bundle(['/bin/sh', '-c', 'grep "^0::" /proc/self/cgroup; [ -f /sys/fs/cgroup/cgroup.procs ] && echo cgroup2-mounted']);
    const r = v2(['run', '--bundle', b.dir, `${b.id}-v2`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('0::/\ncgroup2-mounted\n');

    // device rules become an eBPF program on the v2 cgroup
    const d = bundle(['/bin/sh', '-c', 'for d in allowed denied; do head -c 1 /dev/$d 2>&1 | sed "s/^head: //"; done; echo x > /dev/null && head -c 2 /dev/zero | wc -c'], (sp) => {
      sp.linux.devices = [
        { path: '/dev/allowed', type: 'c', major: 250, minor: 1, fileMode: 0o666 },
        { path: '/dev/denied', type: 'c', major: 250, minor: 2, fileMode: 0o666 },
      ];
      sp.linux.resources = { devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 250, minor: 1, access: 'rw' }] };
    });
    const dr = v2(['run', '--bundle', d.dir, `${d.id}-v2`]);
    expect(dr.stderr).toBe('');
    expect(dr.stdout).toBe('/dev/allowed: No such device or address\n/dev/denied: Operation not permitted\n2\n');

    const s = bundle(['/bin/sleep', '60']);
    const id = `${s.id}-v2`;
    expect(v2(['create', '--bundle', s.dir, id], true).status).toBe(0);
    created.push({ rt: 'core', id });
    expect(v2(['start', id]).status).toBe(0);
    const pid = (JSON.parse(v2(['state', id]).stdout) as { pid: number }).pid;
    expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(`0::/berth-test/${s.id}\n`);
    expect(v2(['pause', id]).status).toBe(0);
    expect(readFileSync(`${unified}/berth-test/${s.id}/cgroup.freeze`, 'utf8').trim()).toBe('1');
    expect((JSON.parse(v2(['state', id]).stdout) as { status: string }).status).toBe('paused');
    expect(v2(['resume', id]).status).toBe(0);
    expect(v2(['delete', '--force', id]).status).toBe(0);
    expect(existsSync(`${unified}/berth-test/${s.id}`)).toBe(false);
    expect(alive(pid)).toBe(false);
  });
});

describe('berth-core errors', () => {
  function noLeftovers(id: string): void {
    expect(existsSync(path.join(work, 'core-state', id))).toBe(false);
    expect(cgroupDirs(id.replace(/-core$/, ''))).toEqual([]);
    const procs = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(id);
        } catch {
          return false;
        }
      });
    expect(procs).toEqual([]);
  }

  it('reports malformed config.json in the crun-style convention and leaves nothing', () => {
    const b = bundle(['/bin/true']);
    writeFileSync(path.join(b.dir, 'config.json'), '{"ociVersion": "1.0.2", "process": {');
    const log = path.join(work, 'err.log');
    const r = spawnSync(CORE, ['--root', path.join(work, 'core-state'), '--log', log, '--log-format', 'json', 'create', '--bundle', b.dir, `${b.id}-core`], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^berth-core: parse `.*\/config\.json`: unexpected end of input at line 1 column \d+\n$/);
    const entry = JSON.parse(readFileSync(log, 'utf8').trim()) as { level: string; msg: string };
    expect(entry.level).toBe('error');
    expect(entry.msg).toMatch(/^parse `/);
    noLeftovers(`${b.id}-core`);
  });

  it('rejects a missing rootfs, an unknown capability and a failing mount, leaving nothing', () => {
    const missing = bundle(['/bin/true'], (s) => {
      s.root = { path: '/nonexistent-rootfs' };
    });
    let r = rt('core', ['create', '--bundle', missing.dir, `${missing.id}-core`]);
    expect(r.stderr).toBe('berth-core: rootfs `/nonexistent-rootfs`: No such file or directory\n');
    expect(r.status).toBe(1);
    noLeftovers(`${missing.id}-core`);

    const cap = bundle(['/bin/true'], (s) => {
      s.process.capabilities = { bounding: ['CAP_FOO'] };
    });
    r = rt('core', ['create', '--bundle', cap.dir, `${cap.id}-core`]);
    expect(r.stderr).toBe('berth-core: capability `CAP_FOO`: unknown capability\n');
    noLeftovers(`${cap.id}-core`);

    const mnt = bundle(['/bin/true'], (s) => {
      (s.mounts as unknown[]).push({ destination: '/tmp/x', type: 'bind', source: '/nonexistent-src', options: ['bind'] });
    });
    r = rt('core', ['create', '--bundle', mnt.dir, `${mnt.id}-core`]);
    expect(r.stderr).toBe('berth-core: mount `/nonexistent-src` to `/tmp/x`: No such file or directory\n');
    noLeftovers(`${mnt.id}-core`);
  });

  it('reports a nonexistent executable at create time (before start), leaving nothing', () => {
    const b = bundle(['/nonexistent']);
    const r = rt('core', ['create', '--bundle', b.dir, `${b.id}-core`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('berth-core: exec `/nonexistent`: no such file or directory\n');
    noLeftovers(`${b.id}-core`);
    const p = bundle(['no-such-command']);
    expect(rt('core', ['create', '--bundle', p.dir, `${p.id}-core`]).stderr).toBe('berth-core: exec `no-such-command`: executable file not found in $PATH\n');
    noLeftovers(`${p.id}-core`);
  });

  it('refuses duplicate ids and unknown containers', () => {
    const b = bundle(['/bin/sleep', '60']);
    const id = startDetached('core', b);
    expect(rt('core', ['create', '--bundle', b.dir, id]).stderr).toBe(`berth-core: container \`${id}\`: already exists\n`);
    expect(rt('core', ['state', 'nope']).stderr).toBe('berth-core: container `nope`: does not exist\n');
    expect(rt('core', ['kill', id, 'SIGNOPE']).stderr).toBe(`berth-core: kill \`${id}\`: unknown signal \`SIGNOPE\`\n`);
    expect(rt('core', ['delete', '--force', id]).status).toBe(0);
  });
});
