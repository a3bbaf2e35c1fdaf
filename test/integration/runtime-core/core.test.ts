import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeBinary } from '../../../src/config/paths.js';
import { busyboxRootfs } from '../../support/busybox-rootfs.js';
import { useLeakCheck } from '../../support/leaks.js';

// berth-core and berth-shim against real namespaces and cgroups, with runc as the reference:
// where a comparison means something, the same bundle runs under both and must agree.
useLeakCheck();

const CORE = nativeBinary('berth-core');
const SHIM = nativeBinary('berth-shim');
const HAS_RUNC = spawnSync('sh', ['-c', 'command -v runc']).status === 0;
const DOCKER_CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE'];

let work = '';
let rootfs = '';
let seq = 0;
const created: { rt: 'core' | 'runc'; id: string }[] = [];

type Spec = Record<string, unknown> & { process: Record<string, unknown>; linux: Record<string, unknown> };

function baseSpec(id: string, args: string[]): Spec {
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args,
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'],
      cwd: '/',
      capabilities: { bounding: DOCKER_CAPS, effective: DOCKER_CAPS, permitted: DOCKER_CAPS },
      noNewPrivileges: true,
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
    },
    root: { path: rootfs, readonly: true },
    hostname: 'box',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777', 'size=16m'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'cgroup' }],
      cgroupsPath: `/berth-test/${id}`,
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      maskedPaths: ['/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'],
      readonlyPaths: ['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

function bundle(args: string[], edit?: (s: Spec) => void): { id: string; dir: string } {
  const id = `core-${process.pid}-${++seq}`;
  const dir = path.join(work, id);
  mkdirSync(dir, { recursive: true });
  const spec = baseSpec(id, args);
  edit?.(spec);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(spec, null, 1));
  return { id, dir };
}

function rt(which: 'core' | 'runc', args: string[], opts: { detached?: boolean } = {}): SpawnSyncReturns<string> {
  const bin = which === 'core' ? CORE : 'runc';
  const root = path.join(work, `${which}-state`);
  if (!opts.detached) return spawnSync(bin, ['--root', root, ...args], { encoding: 'utf8', timeout: 30_000 });
  // create: the container keeps the caller's stdio, so give it a file rather than our pipes
  const errFile = path.join(work, `stderr-${++seq}`);
  const fd = openSync(errFile, 'w+');
  try {
    const r = spawnSync(bin, ['--root', root, ...args], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', fd, fd] });
    return { ...r, stderr: readFileSync(errFile, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

/** `run` a bundle in the foreground: returns exit status and output. */
function run(which: 'core' | 'runc', b: { id: string; dir: string }): { status: number | null; stdout: string; stderr: string } {
  const r = rt(which, ['run', '--bundle', b.dir, `${b.id}-${which}`]);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const runtimes: ('core' | 'runc')[] = HAS_RUNC ? ['core', 'runc'] : ['core'];

/** Run under berth-core and (reference) runc; both must give the same status and stdout. */
function runBoth(b: { id: string; dir: string }): { status: number | null; stdout: string; stderr: string } {
  const core = run('core', b);
  for (const other of runtimes.slice(1)) {
    const ref = run(other, b);
    expect({ status: core.status, stdout: core.stdout }, `${other} stderr: ${ref.stderr}`).toEqual({ status: ref.status, stdout: ref.stdout });
  }
  return core;
}

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function cgroupDirs(id: string): string[] {
  return readdirSync('/sys/fs/cgroup')
    .map((c) => path.join('/sys/fs/cgroup', c, 'berth-test', id))
    .filter((d) => existsSync(d));
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

/** create (stdio to /dev/null so the caller's pipes do not stay open) + start a long-running container. */
function startDetached(which: 'core' | 'runc', b: { id: string; dir: string }): string {
  const id = `${b.id}-${which}`;
  const r = rt(which, ['create', '--bundle', b.dir, id], { detached: true });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  created.push({ rt: which, id });
  expect(rt(which, ['start', id]).status).toBe(0);
  return id;
}

function state(which: 'core' | 'runc', id: string): { status: string; pid: number } {
  const r = rt(which, ['state', id]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { status: string; pid: number };
}

beforeAll(() => {
  if (!existsSync(CORE) || !existsSync(SHIM)) throw new Error(`build the native binaries first (npm run build): ${CORE}`);
  rootfs = busyboxRootfs();
  work = mkdtempSync('/tmp/berth-core-it-');
});

afterAll(() => {
  for (const c of created) rt(c.rt, ['delete', '--force', c.id]);
  rmSync(work, { recursive: true, force: true });
});

describe('berth-core run (compared with runc)', () => {
  it('runs /bin/true with exit 0 and passes exit codes and signals through', () => {
    expect(runBoth(bundle(['/bin/true'])).status).toBe(0);
    expect(runBoth(bundle(['/bin/sh', '-c', 'exit 42'])).status).toBe(42);
    // a signal from inside cannot kill pid 1 of a pid namespace: the child's death is passed on
    expect(runBoth(bundle(['/bin/sh', '-c', 'exec /bin/sh -c \'kill -9 $$\''])).status).toBe(0);
  });

  it('captures stdout and stderr; the process is pid 1 with the hostname asked for', () => {
    const r = runBoth(bundle(['/bin/sh', '-c', 'echo out; echo err >&2; echo pid=$$; hostname']));
    expect(r.stdout).toBe('out\npid=1\nbox\n');
    expect(r.stderr).toBe('err\n');
  });

  it('switches uid, gid and supplementary groups', () => {
    const r = runBoth(
      bundle(['/bin/sh', '-c', 'id; grep -E "^(Uid|Gid|Groups)" /proc/self/status'], (s) => {
        s.process.user = { uid: 1000, gid: 1000, additionalGids: [2000, 65534] };
      }),
    );
    expect(r.stdout).toContain('uid=1000(app) gid=1000(app) groups=2000(extra),65534(nogroup)');
  });

  it('drops capabilities to the given set and sets no_new_privs', () => {
    const r = runBoth(bundle(['/bin/sh', '-c', 'grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)" /proc/self/status']));
    expect(r.stdout).toMatch(/CapEff:\s+00000000a80425fb/);
    expect(r.stdout).toMatch(/CapBnd:\s+00000000a80425fb/);
    expect(r.stdout).toMatch(/NoNewPrivs:\s+1/);
  });

  it('raises ambient capabilities for a non-root user', () => {
    const r = runBoth(
      bundle(['/bin/sh', '-c', 'grep -E "^(CapEff|CapAmb)" /proc/self/status'], (s) => {
        s.process.user = { uid: 1000, gid: 1000 };
        s.process.capabilities = { bounding: ['CAP_NET_BIND_SERVICE'], effective: ['CAP_NET_BIND_SERVICE'], permitted: ['CAP_NET_BIND_SERVICE'], inheritable: ['CAP_NET_BIND_SERVICE'], ambient: ['CAP_NET_BIND_SERVICE'] };
      }),
    );
    expect(r.stdout).toMatch(/CapEff:\s+0000000000000400\nCapAmb:\s+0000000000000400/);
  });

  it('keeps the root read-only and /tmp writable, honours rlimits, env and cwd', () => {
    const r = runBoth(
      bundle(['/bin/sh', '-c', 'touch /x 2>/dev/null && echo root-writable; touch /tmp/y && echo tmp-ok; ulimit -n; echo $FOO; pwd'], (s) => {
        s.process.env = [...(s.process.env as string[]), 'FOO=bar'];
        s.process.cwd = '/tmp';
      }),
    );
    expect(r.stdout).toBe('tmp-ok\n1024\nbar\n/tmp\n');
  });

  it('bind mounts directories and files, read-only or read-write', () => {
    const host = path.join(work, `binds-${++seq}`);
    mkdirSync(path.join(host, 'rw'), { recursive: true });
    mkdirSync(path.join(host, 'ro'), { recursive: true });
    writeFileSync(path.join(host, 'ro', 'f'), 'read-only data\n');
    writeFileSync(path.join(host, 'file'), 'single file\n');
    const r = runBoth(
      bundle(['/bin/sh', '-c', 'cat /mnt/ro/f /etc/single; echo x > /mnt/ro/g 2>/dev/null || echo ro-refused; echo data > /mnt/rw/out && echo rw-ok; grep -c " /mnt/rw " /proc/mounts'], (s) => {
        (s.mounts as unknown[]).push(
          { destination: '/tmp/mnt/ro', type: 'bind', source: path.join(host, 'ro'), options: ['rbind', 'ro', 'nosuid', 'nodev'] },
          { destination: '/tmp/mnt/rw', type: 'bind', source: path.join(host, 'rw'), options: ['bind', 'rw'] },
          { destination: '/tmp/etc/single', type: 'bind', source: path.join(host, 'file'), options: ['bind', 'ro'] },
        );
        s.process.args = ['/bin/sh', '-c', (s.process.args as string[])[2]!.replace(/\/mnt\//g, '/tmp/mnt/').replace('/etc/single', '/tmp/etc/single').replace(' /mnt/rw ', ' /tmp/mnt/rw ')];
      }),
    );
    expect(r.stdout).toBe('read-only data\nsingle file\nro-refused\nrw-ok\n1\n');
    expect(readFileSync(path.join(host, 'rw', 'out'), 'utf8')).toBe('data\n');
  });

  it('resolves mount destinations through symlinks inside the rootfs, never onto the host', () => {
    const copy = path.join(work, `rootfs-copy-${++seq}`);
    expect(spawnSync('cp', ['-a', rootfs, copy]).status).toBe(0);
    const outside = path.join(work, `outside-${seq}`);
    mkdirSync(outside);
    spawnSync('ln', ['-s', `../../../../../../../..${outside}`, path.join(copy, 'rel')]);
    spawnSync('ln', ['-s', outside, path.join(copy, 'abs')]);
    const b = bundle(['/bin/sh', '-c', `grep -c " ${outside}/m1 tmpfs" /proc/mounts; grep -c " ${outside}/m2 tmpfs" /proc/mounts`], (s) => {
      s.root = { path: copy, readonly: true };
      (s.mounts as unknown[]).push(
        { destination: '/rel/m1', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] },
        { destination: '/abs/m2', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] },
      );
    });
    const r = runBoth(b);
    expect(r.stdout).toBe('1\n1\n');
    expect(readdirSync(outside)).toEqual([]);
  });

  it('masks paths and makes readonlyPaths read-only', () => {
    const r = runBoth(
      bundle(['/bin/sh', '-c', 'wc -c < /proc/keys; ls /proc/acpi | wc -l; echo 1 > /proc/sys/kernel/domainname 2>/dev/null || echo sys-ro; echo x > /proc/acpi/f 2>/dev/null || echo acpi-ro']),
    );
    expect(r.stdout).toBe('0\n0\nsys-ro\nacpi-ro\n');
  });

  it('provides the standard /dev nodes and symlinks', () => {
    const r = runBoth(
      bundle(['/bin/sh', '-c', 'for d in null zero full random urandom tty; do [ -c /dev/$d ] && echo $d; done; for l in fd stdin ptmx; do readlink /dev/$l; done; echo x > /dev/null && head -c 3 /dev/zero | wc -c; [ -c /dev/pts/ptmx ] && echo pts; grep -c " /dev/shm " /proc/mounts']),
    );
    expect(r.stdout).toBe('null\nzero\nfull\nrandom\nurandom\ntty\n/proc/self/fd\n/proc/self/fd/0\npts/ptmx\n3\npts\n1\n');
  });

  it('applies sysctls and oomScoreAdj inside the container', () => {
    const r = runBoth(
      bundle(['/bin/sh', '-c', 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/self/oom_score_adj'], (s) => {
        s.linux.sysctl = { 'net.ipv4.ip_unprivileged_port_start': '80' };
        s.linux.readonlyPaths = [];
        s.process.oomScoreAdj = 123;
      }),
    );
    expect(r.stdout).toBe('80\n123\n');
  });

  it('creates linux.devices nodes and enforces the device cgroup rules', () => {
    // major 250 has no driver: an allowed node opens with ENXIO, a denied one fails with EPERM
    const r = runBoth(
      bundle(['/bin/sh', '-c', 'for d in allowed denied; do [ -c /dev/$d ] && echo $d-node; head -c 1 /dev/$d 2>&1 | sed "s/^head: //"; done; echo x > /dev/null && echo null-ok'], (s) => {
        s.linux.devices = [
          { path: '/dev/allowed', type: 'c', major: 250, minor: 1, fileMode: 0o666 },
          { path: '/dev/denied', type: 'c', major: 250, minor: 2, fileMode: 0o666 },
        ];
        s.linux.resources = { devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 250, minor: 1, access: 'rw' }] };
      }),
    );
    expect(r.stdout).toBe('allowed-node\n/dev/allowed: No such device or address\ndenied-node\n/dev/denied: Operation not permitted\nnull-ok\n');
  });

  it('kills a process over the memory limit (exit 137)', () => {
    const b = bundle(['/bin/sh', '-c', 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived ${#x}'], (s) => {
      s.linux.resources = { memory: { limit: 32 * 1024 * 1024, swap: 32 * 1024 * 1024 } };
    });
    const r = runBoth(b);
    expect(r.status).toBe(137);
    expect(r.stdout).toBe('');
  });

  it('stops a fork bomb with the pids limit', () => {
    const b = bundle(['/bin/sh', '-c', 'i=0; while [ $i -lt 50 ]; do sleep 60 & i=$((i+1)); done'], (s) => {
      s.linux.resources = { pids: { limit: 10 } };
    });
    const r = runBoth(b);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("can't fork");
  });

  it('writes cgroup limits where the hierarchy keeps them', () => {
    const b = bundle(['/bin/sleep', '60'], (s) => {
      s.linux.resources = { memory: { limit: 64 * 1024 * 1024 }, cpu: { shares: 512, quota: 50000, period: 100000 }, pids: { limit: 33 } };
    });
    const id = startDetached('core', b);
    const pid = state('core', id).pid;
    const cg = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    expect(cg).toContain(`/berth-test/${b.id}`);
    // hybrid host: the limits live in v1, and the process is in the same path under cgroup2 too
    if (/ - cgroup2 /.test(readFileSync('/proc/self/mountinfo', 'utf8'))) expect(cg).toContain(`0::/berth-test/${b.id}\n`);
    if (existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes')) {
      const dir = (c: string) => `/sys/fs/cgroup/${c}/berth-test/${b.id}`;
      expect(readFileSync(`${dir('memory')}/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(64 * 1024 * 1024));
      expect(readFileSync(`${dir('cpu')}/cpu.shares`, 'utf8').trim()).toBe('512');
      expect(readFileSync(`${dir('cpu')}/cpu.cfs_quota_us`, 'utf8').trim()).toBe('50000');
      expect(readFileSync(`${dir('pids')}/pids.max`, 'utf8').trim()).toBe('33');
    } else {
      const dir = `/sys/fs/cgroup/berth-test/${b.id}`;
      expect(readFileSync(`${dir}/memory.max`, 'utf8').trim()).toBe(String(64 * 1024 * 1024));
      expect(readFileSync(`${dir}/cpu.max`, 'utf8').trim()).toBe('50000 100000');
      expect(readFileSync(`${dir}/pids.max`, 'utf8').trim()).toBe('33');
    }
    expect(rt('core', ['delete', '--force', id]).status).toBe(0);
    expect(cgroupDirs(b.id)).toEqual([]);
  });

  it('joins a network namespace given by path', () => {
    const ns = `berth-core-it-${process.pid}`;
    expect(spawnSync('ip', ['netns', 'add', ns]).status).toBe(0);
    try {
      expect(spawnSync('ip', ['netns', 'exec', ns, 'ip', 'addr', 'add', '10.123.45.6/8', 'dev', 'lo']).status).toBe(0);
      const r = runBoth(
        bundle(['/bin/sh', '-c', 'ip -o addr show lo | grep -o "inet [0-9.]*"'], (s) => {
          s.linux.namespaces = [{ type: 'pid' }, { type: 'network', path: `/run/netns/${ns}` }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
        }),
      );
      expect(r.stdout).toBe('inet 10.123.45.6\n');
    } finally {
      spawnSync('ip', ['netns', 'delete', ns]);
    }
  });
});

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
    expect(bad.stderr).toBe('berth-core: exec `/nonexistent`: No such file or directory\n');
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
    const errFile = path.join(work, `stderr-${++seq}`);
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
    expect(r.stderr).toBe('berth-core: exec `/nonexistent`: No such file or directory\n');
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
    expect(r.stderr).toBe('berth-core: exec `/nonexistent`: No such file or directory\n');
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

  it('attach.sock delivers live output and feeds stdin', async () => {
    const b = bundle(['/bin/sh', '-c', 'echo ready; read x; echo got $x']);
    const l = launch('core', b, ['--stdin']);
    const sock = net.createConnection(path.join(l.stateDir, 'attach.sock'));
    let got = '';
    sock.on('data', (d) => (got += d.toString()));
    await new Promise<void>((r) => sock.on('connect', () => r()));
    expect(rt('core', ['start', l.id]).status).toBe(0);
    await until('ready', () => got.includes('ready\n'));
    sock.write('hello\n');
    await until('echo', () => got.includes('got hello\n'));
    const rec = await exitRecord(l);
    expect(rec.exitCode).toBe(0);
    sock.destroy();
    expect(logLines(l).map((x) => x.log)).toEqual(['ready\n', 'got hello\n']);
    await until('shim exit', () => !alive(l.out.shimPid));
    expect(rt('core', ['delete', l.id]).status).toBe(0);
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
