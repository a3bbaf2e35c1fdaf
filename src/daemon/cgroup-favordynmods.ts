import { execFile } from 'node:child_process';
import { mkdir, rmdir } from 'node:fs/promises';
import { promisify } from 'node:util';

// With cgroup v1 controllers, putting a process into a cgroup (a write to cgroup.procs)
// takes the kernel's global threadgroup rwsem for writing, which waits for an RCU grace
// period: 5–18 ms here, on every container start and every exec (health probes included).
// The kernel's "favordynmods" mode (Linux ≥ 6.0) removes that wait at a small cost to
// fork and exit. v1 has no remount for it, so berthd mounts a named hierarchy of its own
// with the option, which goes again at once: from Linux 6.18 the mode then stays on until
// reboot (the kernel says so in dmesg: "per threadgroup rwsem mechanism can't be
// disabled"); on older kernels it ends with the hierarchy, and the kernel command line
// option cgroup_favordynmods=true is the way there. Like dockerd turning on ip_forward,
// this changes a host setting: --cgroup-favordynmods=false leaves the host as it is.
// On a cgroup v2-only host there is nothing to do: containers are born in their cgroup
// (CLONE_INTO_CGROUP), which never takes that lock for writing.

export type FavorDecision = 'no-v1' | 'already' | 'enable';

/** What to do, from /proc/self/mountinfo: only v1 hierarchies need it, and once is enough. */
export function favorDecision(mountinfo: string): FavorDecision {
  let v1 = false;
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-');
    if (sep < 0) continue;
    const fstype = f[sep + 1];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const superOptions = (f[sep + 3] ?? '').split(',');
    if (superOptions.includes('favordynmods')) return 'already';
    if (fstype === 'cgroup') v1 = true;
  }
  return v1 ? 'enable' : 'no-v1';
}

export interface FavorResult {
  decision: FavorDecision;
  /** Set when the mount was refused (e.g. a kernel before 6.0 does not know the option). */
  error?: string;
}

/**
 * Mount a favordynmods hierarchy at `dir` (a fresh path under berthd's run dir) in a
 * mount namespace of its own: nobody else ever sees it (berth-core adopts the v1
 * hierarchies it finds mounted, and must not find this one), and it goes when that
 * namespace does, as soon as `mount` exits.
 */
export async function enableFavorDynmods(mountinfo: string, dir: string): Promise<FavorResult> {
  const decision = favorDecision(mountinfo);
  if (decision !== 'enable') return { decision };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await promisify(execFile)('unshare', ['--mount', '--propagation', 'private', 'mount', '-t', 'cgroup', '-o', 'none,name=berth-favordynmods,favordynmods', 'cgroup', dir]);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    return { decision, error: stderr || (err instanceof Error ? err.message : String(err)) };
  } finally {
    await rmdir(dir).catch(() => undefined);
  }
  return { decision };
}
