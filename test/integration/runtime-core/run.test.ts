import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '../../support/leaks.js';
import { DOCKER_CAPS, work, rootfs, bundle, rt, runBoth, cgroupDirs, startDetached, state, nextSeq, useRuntimeCore } from './harness.js';

// berth-core `run` against real namespaces and cgroups, with runc as the reference: the same
// bundle runs under both and must give the same exit status and output.
useLeakCheck();
useRuntimeCore();

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
    const host = path.join(work, `binds-${nextSeq()}`);
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
    const n = nextSeq();
    const copy = path.join(work, `rootfs-copy-${n}`);
    expect(spawnSync('cp', ['-a', rootfs, copy]).status).toBe(0);
    const outside = path.join(work, `outside-${n}`);
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

  it('installs a seccomp filter (errno actions, argument compares) like runc', () => {
    const r = runBoth(
      bundle(['/bin/sh', '-c', 'grep Seccomp: /proc/self/status; mkdir /tmp/x 2>/dev/null || echo mkdir-refused; touch /tmp/f; chmod 777 /tmp/f 2>&1; chmod 755 /tmp/f && echo chmod755-ok'], (s) => {
        s.linux.seccomp = {
          defaultAction: 'SCMP_ACT_ALLOW',
          architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
          syscalls: [
            { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 },
            { names: ['chmod'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [{ index: 1, value: 0o777, op: 'SCMP_CMP_EQ' }] },
            { names: ['fchmodat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [{ index: 2, value: 0o777, op: 'SCMP_CMP_EQ' }] },
          ],
        };
      }),
    );
    expect(r.stdout).toBe('Seccomp:\t2\nmkdir-refused\nchmod: /tmp/f: Permission denied\nchmod755-ok\n');
  });

  it.skipIf(!existsSync('/usr/share/containers/seccomp.json'))('runs under the Docker/containers default seccomp profile like runc', () => {
    // the profile format has includes/excludes (arches, capabilities): resolve them as Docker does
    const profile = JSON.parse(readFileSync('/usr/share/containers/seccomp.json', 'utf8')) as {
      defaultAction: string;
      defaultErrnoRet?: number;
      syscalls: { names: string[]; action: string; errnoRet?: number; args?: unknown[]; includes?: { arches?: string[]; caps?: string[]; minKernel?: string }; excludes?: { arches?: string[]; caps?: string[] } }[];
    };
    const caps = new Set(DOCKER_CAPS);
    const applies = (x: (typeof profile.syscalls)[number]) =>
      (!x.includes?.arches || x.includes.arches.includes('amd64')) &&
      (!x.includes?.caps || x.includes.caps.every((c) => caps.has(c))) &&
      !(x.excludes?.arches ?? []).includes('amd64') &&
      !(x.excludes?.caps ?? []).some((c) => caps.has(c));
    const syscalls = profile.syscalls.filter(applies).map((x) => ({ names: x.names, action: x.action, ...(x.errnoRet !== undefined ? { errnoRet: x.errnoRet } : {}), ...(x.args && x.args.length ? { args: x.args } : {}) }));
    const r = runBoth(
      bundle(['/bin/sh', '-c', 'grep Seccomp: /proc/self/status; mount -t tmpfs t /tmp 2>&1; ls /bin/sh && echo ls-ok'], (s) => {
        s.linux.seccomp = { defaultAction: profile.defaultAction, defaultErrnoRet: profile.defaultErrnoRet, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], syscalls };
      }),
    );
    // same output as runc (checked by runBoth); the profile is in force and ordinary tools still work
    expect(r.stdout).toMatch(/^Seccomp:\t2\nmount: .*\n\/bin\/sh\nls-ok\n$/);
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
