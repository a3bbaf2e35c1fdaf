// Docker's defaults for a Linux container (moby oci/defaults.go and daemon/oci_linux.go),
// written down once so spec.ts only composes them.
import type { OciDeviceCgroup, OciMount } from './oci-spec.js';

/** Docker's default /dev/shm size. */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

export function defaultMounts(opts: { shmSize: number; privileged: boolean }): OciMount[] {
  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['rw', 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['rw', 'nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['rw', 'nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['rw', 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['rw', 'nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shmSizeOption(opts.shmSize)}`] },
  ];
  // Privileged containers get /sys and the cgroup tree writable (Docker clears "ro").
  if (!opts.privileged) return mounts;
  return mounts.map((m) => (m.type === 'sysfs' || m.type === 'cgroup' ? { ...m, options: m.options.filter((o) => o !== 'ro') } : m));
}

/** Bytes → the tmpfs size option, in k when it divides evenly (as Docker writes it). */
function shmSizeOption(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024}k` : String(bytes);
}

export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
];

export const DEFAULT_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/**
 * The devices cgroup: Docker's list (deny everything, allow the standard character
 * devices, deny /dev/fuse's neighbour 10:229), followed by the rules runc appends on its
 * own (mknod anything, /dev/full, ptys, /dev/ptmx, tun). Writing runc's part out makes
 * every runtime (berth-core and crun too) end up with the same effective list.
 */
export const DEFAULT_DEVICE_RULES: readonly OciDeviceCgroup[] = [
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
];

/** Privileged: every device. */
export const PRIVILEGED_DEVICE_RULES: readonly OciDeviceCgroup[] = [{ allow: true, access: 'rwm' }];

/**
 * Sysctls that are namespaced and therefore allowed (Docker's validation): IPC ones need
 * a private IPC namespace, net.* a private network namespace.
 */
export const IPC_SYSCTLS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);
export const IPC_SYSCTL_PREFIX = 'fs.mqueue.';
export const NET_SYSCTL_PREFIX = 'net.';
/** kernel.domainname lives in the UTS namespace (runc accepts it; Docker sets it from domainname). */
export const UTS_SYSCTLS = new Set(['kernel.domainname']);
