import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSpec } from '../../../src/runtime/spec.js';
import type { ContainerDefinition } from '../../../src/runtime/types.js';

const base = (over: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  id: 'web-1',
  rootfs: '/var/lib/berth/containers/web-1/rootfs',
  args: ['/bin/sh', '-c', 'httpd -f'],
  env: ['PATH=/usr/bin:/bin', 'A=1'],
  cwd: '/srv',
  user: { uid: 1000, gid: 1000, additionalGids: [2000] },
  mounts: [],
  network: { kind: 'path', path: '/run/berth/netns/web-1' },
  cgroupsPath: '/berth/web-1',
  ...over,
});

const typical = (): ContainerDefinition =>
  base({
    readonlyRootfs: true,
    hostname: 'web',
    domainname: 'example.test',
    mounts: [
      { destination: '/etc/hosts', type: 'bind', source: '/var/lib/berth/containers/web-1/hosts', options: ['rbind', 'ro'] },
      { destination: '/data/', type: 'bind', source: '/var/lib/berth/volumes/data/_data', options: ['rbind', 'rw'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'size=1m'] },
    ],
    capAdd: ['net_admin'],
    capDrop: ['MKNOD', 'CAP_NET_RAW'],
    noNewPrivileges: true,
    resources: { memory: 128 * 1024 * 1024, memorySwap: 256 * 1024 * 1024, cpuShares: 512, cpuQuota: 50000, cpuPeriod: 100000, cpusetCpus: '0-1', pidsLimit: 100 },
    ulimits: [{ name: 'nofile', soft: 1024, hard: 4096 }],
    sysctls: { 'net.ipv4.ip_forward': '1' },
    ipc: { kind: 'new' },
    pid: { kind: 'host' },
    annotations: { 'com.example': 'x' },
    oomScoreAdj: 100,
    shmSize: 1024 * 1024,
  });

const DEFAULT_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW', 'CAP_SYS_CHROOT', 'CAP_MKNOD', 'CAP_AUDIT_WRITE', 'CAP_SETFCAP',
];

describe('buildSpec golden', () => {
  it('serialises byte for byte as the committed config.json (key order included)', () => {
    const file = new URL('./fixtures/typical.config.json', import.meta.url);
    const text = `${JSON.stringify(buildSpec(typical()), null, 2)}\n`;
    // BERTH_UPDATE_GOLDEN=1 rewrites the fixture after an intended change; review its diff.
    if (process.env.BERTH_UPDATE_GOLDEN) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });

  it('turns a typical service definition into the exact config.json Docker would hand runc', () => {
    const spec = buildSpec(typical());
    expect(spec).toEqual({
      ociVersion: '1.0.2',
      process: {
        terminal: false,
        user: { uid: 1000, gid: 1000, additionalGids: [2000] },
        args: ['/bin/sh', '-c', 'httpd -f'],
        env: ['PATH=/usr/bin:/bin', 'A=1'],
        cwd: '/srv',
        capabilities: {
          bounding: ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_NET_ADMIN', 'CAP_SYS_CHROOT', 'CAP_AUDIT_WRITE', 'CAP_SETFCAP'],
          effective: ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_NET_ADMIN', 'CAP_SYS_CHROOT', 'CAP_AUDIT_WRITE', 'CAP_SETFCAP'],
          permitted: ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_NET_ADMIN', 'CAP_SYS_CHROOT', 'CAP_AUDIT_WRITE', 'CAP_SETFCAP'],
        },
        noNewPrivileges: true,
        rlimits: [{ type: 'RLIMIT_NOFILE', hard: 4096, soft: 1024 }],
        oomScoreAdj: 100,
      },
      root: { path: '/var/lib/berth/containers/web-1/rootfs', readonly: true },
      hostname: 'web',
      domainname: 'example.test',
      mounts: [
        { destination: '/proc', type: 'proc', source: 'proc', options: ['rw', 'nosuid', 'noexec', 'nodev'] },
        { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['rw', 'nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
        { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['rw', 'nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
        { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
        { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
        { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['rw', 'nosuid', 'noexec', 'nodev'] },
        { destination: '/data', type: 'bind', source: '/var/lib/berth/volumes/data/_data', options: ['rbind', 'rw'] },
        { destination: '/etc/hosts', type: 'bind', source: '/var/lib/berth/containers/web-1/hosts', options: ['rbind', 'ro'] },
        { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'size=1m'] },
      ],
      linux: {
        namespaces: [{ type: 'mount' }, { type: 'network', path: '/run/berth/netns/web-1' }, { type: 'uts' }, { type: 'ipc' }],
        cgroupsPath: '/berth/web-1',
        resources: {
          devices: [
            { allow: false, access: 'rwm' },
            { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' },
            { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
            { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' },
            { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' },
            { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' },
            { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' },
            { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
            { allow: true, type: 'c', access: 'm' },
            { allow: true, type: 'b', access: 'm' },
            { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' },
            { allow: true, type: 'c', major: 136, access: 'rwm' },
            { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' },
            { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' },
          ],
          memory: { limit: 134217728, swap: 268435456 },
          cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0-1' },
          pids: { limit: 100 },
        },
        sysctl: { 'net.ipv4.ip_forward': '1' },
        maskedPaths: ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'],
        readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
        rootfsPropagation: 'rprivate',
      },
      annotations: { 'com.example': 'x' },
    });
  });

  it('gives a minimal definition Docker\'s defaults: 14 capabilities, 64 MiB /dev/shm, every namespace new', () => {
    const spec = buildSpec(base({ network: { kind: 'new' }, user: { uid: 0, gid: 0 } }));
    expect(spec.process.capabilities.bounding).toEqual(DEFAULT_CAPS);
    expect(spec.process.user).toEqual({ uid: 0, gid: 0 });
    expect(spec.process.noNewPrivileges).toBe(false);
    expect(spec.process.rlimits).toBeUndefined();
    expect(spec.root).toEqual({ path: '/var/lib/berth/containers/web-1/rootfs', readonly: false });
    expect(spec.mounts.find((m) => m.destination === '/dev/shm')?.options).toEqual(['rw', 'nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k']);
    expect(spec.linux.namespaces).toEqual([{ type: 'mount' }, { type: 'network' }, { type: 'uts' }, { type: 'pid' }, { type: 'ipc' }]);
    expect(spec.linux.resources).toEqual({ devices: expect.any(Array) as unknown });
    expect('hostname' in spec).toBe(false);
    expect('annotations' in spec).toBe(false);
    expect('sysctl' in spec.linux).toBe(false);
  });

  it('privileged: every capability, no masked or read-only paths, all devices, writable /sys', () => {
    const spec = buildSpec(base({ privileged: true, capDrop: ['ALL'] }));
    expect(spec.process.capabilities.bounding).toHaveLength(41);
    expect(spec.process.capabilities.effective).toContain('CAP_SYS_ADMIN');
    expect(spec.linux.maskedPaths).toBeUndefined();
    expect(spec.linux.readonlyPaths).toBeUndefined();
    expect(spec.linux.resources.devices).toEqual([{ allow: true, access: 'rwm' }]);
    expect(spec.mounts.find((m) => m.destination === '/sys')?.options).toEqual(['nosuid', 'noexec', 'nodev']);
    expect(spec.mounts.find((m) => m.destination === '/sys/fs/cgroup')?.options).toEqual(['nosuid', 'noexec', 'nodev']);
  });

  it('a user /dev replaces the default /dev and everything Docker mounts below it', () => {
    const spec = buildSpec(base({ mounts: [{ destination: '/dev', type: 'bind', source: '/dev', options: ['rbind'] }] }));
    expect(spec.mounts.map((m) => m.destination)).toEqual(['/proc', '/sys', '/sys/fs/cgroup', '/dev']);
  });

  it('orders user mounts parents first, keeping the given order at equal depth', () => {
    const m = (destination: string) => ({ destination, type: 'tmpfs', source: 'tmpfs', options: [] });
    const spec = buildSpec(base({ mounts: [m('/a/b/c'), m('/z'), m('/a/b'), m('/a')] }));
    expect(spec.mounts.slice(7).map((x) => x.destination)).toEqual(['/z', '/a', '/a/b', '/a/b/c']);
  });

  it('devices become device nodes plus allow rules', () => {
    const spec = buildSpec(base({ devices: [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229 }] }));
    expect(spec.linux.devices).toEqual([{ path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o666, uid: 0, gid: 0 }]);
    expect(spec.linux.resources.devices.at(-1)).toEqual({ allow: true, type: 'c', major: 10, minor: 229, access: 'rwm' });
  });

  it('shared and slave mounts set the root propagation Docker would', () => {
    const bind = (opt: string) => ({ destination: '/x', type: 'bind', source: '/x', options: ['rbind', opt] });
    expect(buildSpec(base({ mounts: [bind('rshared')] })).linux.rootfsPropagation).toBe('shared');
    expect(buildSpec(base({ mounts: [bind('rslave')] })).linux.rootfsPropagation).toBe('rslave');
  });

  it('init: true runs the configured init as pid 1, and is refused without one', () => {
    const spec = buildSpec(base({ init: true }), { init: { hostPath: '/usr/lib/berth/berth-init', argvPrefix: ['/sbin/berth-init', '--'] } });
    expect(spec.process.args).toEqual(['/sbin/berth-init', '--', '/bin/sh', '-c', 'httpd -f']);
    expect(spec.mounts.at(-1)).toEqual({ destination: '/sbin/berth-init', type: 'bind', source: '/usr/lib/berth/berth-init', options: ['bind', 'ro', 'nosuid', 'nodev'] });
    expect(() => buildSpec(base({ init: true }))).toThrow(expect.objectContaining({ code: 'failed_precondition' }));
  });

  it('memory swap of -1 is passed through as unlimited', () => {
    expect(buildSpec(base({ resources: { memory: 64 * 1024 * 1024, memorySwap: -1 } })).linux.resources.memory).toEqual({ limit: 67108864, swap: -1 });
  });
});
