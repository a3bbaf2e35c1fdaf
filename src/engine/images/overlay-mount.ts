import { mkdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { invalid, unavailable } from '../../errors.js';
import { isMountedAt } from '../../runtime/mountinfo.js';
import { Coalescer } from '../coalescer.js';
import { runTool } from '../spawn-server.js';

/** execFile's contract (rejects on a non-zero status, with stderr on the error), through the spawn server. */
async function run(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<void> {
  const r = await runTool(cmd, args, opts);
  if (r.code !== 0) throw Object.assign(new Error(`${cmd} ${args.join(' ')}: exit status ${String(r.code)}`), { stderr: r.stderr });
}

// A container's root: overlayfs with the image's layers as read-only lowers and the
// container's own upper/work dirs. The kernel takes the options in one page, so long
// layer stacks are passed as short relative names (l/<16 hex>) resolved against the
// working directory of the `mount` process — the store root — instead of absolute paths.

export const MOUNT_OPTIONS_MAX = 4000; // a page minus a margin

export interface OverlayLayout {
  /** Directory the relative lower names are resolved against. */
  cwd: string;
  /** Lower dirs, top-most first, as absolute paths. */
  lowers: readonly string[];
  /** The same, as short names relative to cwd. */
  shortLowers: readonly string[];
}

export function overlayOptions(layout: OverlayLayout, upper: string, work: string): string {
  if (layout.lowers.length === 0) throw invalid('an image needs at least one layer to be mounted');
  // ',' separates mount options and ':' separates lower dirs: such paths cannot be passed.
  for (const p of [...layout.lowers, upper, work]) {
    if (/[,:\\]/.test(p)) throw invalid(`cannot mount overlay: path ${JSON.stringify(p)} contains ',', ':' or '\\'`);
  }
  const absolute = `lowerdir=${layout.lowers.join(':')},upperdir=${upper},workdir=${work}`;
  if (absolute.length <= MOUNT_OPTIONS_MAX) return absolute;
  const short = `lowerdir=${layout.shortLowers.join(':')},upperdir=${upper},workdir=${work}`;
  if (short.length > MOUNT_OPTIONS_MAX) throw invalid(`image has too many layers (${layout.lowers.length}) to mount`);
  return short;
}

/**
 * Mounts in flight, by rootfs: a second caller for the same container (the premount begun
 * at create, and an archive PUT right after it, as Compose's secrets copy does) waits for
 * the first instead of mounting a second overlay on the same upper and work dirs, which
 * the kernel warns is undefined and, racing the first, refused with EINVAL.
 */
const mounting = new Map<string, Promise<string>>();

export function mountOverlay(layout: OverlayLayout, containerDir: string): Promise<string> {
  const rootfs = path.join(containerDir, 'rootfs');
  const inFlight = mounting.get(rootfs);
  if (inFlight) return inFlight;
  const p = mountOnce(layout, containerDir, rootfs).finally(() => mounting.delete(rootfs));
  mounting.set(rootfs, p);
  return p;
}

async function mountOnce(layout: OverlayLayout, containerDir: string, rootfs: string): Promise<string> {
  const upper = path.join(containerDir, 'upper');
  const work = path.join(containerDir, 'work');
  // Small sync calls: the thread pool is busy with other containers' work at such times.
  if (isMountPointSync(rootfs)) return rootfs;
  for (const dir of [upper, work, rootfs]) mkdirSync(dir, { recursive: true, mode: 0o755 });
  const options = overlayOptions(layout, path.resolve(upper), path.resolve(work));
  try {
    await run('mount', ['-t', 'overlay', 'overlay', '-o', options, rootfs], { cwd: layout.cwd });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw unavailable(`mount overlay at ${rootfs}: ${stderr || (err as Error).message}`, err);
  }
  return rootfs;
}

// Unmounts asked for while one `umount` runs go together in the next (`umount A B C`):
// 30 containers removed at once cost a few processes instead of 30. umount goes on past
// a path it cannot unmount; one mountinfo read per batch then says which are still
// mounted, and only those are retried alone.
const unmounts = new Coalescer<string>(
  async (targets) => {
    await runTool('umount', targets).catch(() => undefined);
    const info = await readFile('/proc/self/mountinfo', 'utf8');
    return targets.map((t) => (isMountedAt(info, t) ? new Error(`${t}: still mounted`) : undefined));
  },
  { gather: 'whileRunning' },
);

export async function unmountOverlay(containerDir: string): Promise<void> {
  const rootfs = path.resolve(containerDir, 'rootfs');
  // A stopped container's was unmounted at its exit: its removal then costs no umount.
  if (!(await isMountPoint(rootfs))) return;
  const left = await unmounts.submit(rootfs).then(
    () => false,
    () => true,
  );
  if (!left) return;
  while (await isMountPoint(rootfs)) {
    try {
      await run('umount', [rootfs]);
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? '';
      if (!/busy/i.test(stderr)) throw unavailable(`umount ${rootfs}: ${stderr.trim() || (err as Error).message}`, err);
      // Something still holds it (a process's cwd): detach now, the kernel frees it later.
      await run('umount', ['-l', rootfs]);
    }
  }
}

/** True when `dir` is a mount point in this mount namespace (per /proc/self/mountinfo). */
export async function isMountPoint(dir: string): Promise<boolean> {
  return isMountedAt(await readFile('/proc/self/mountinfo', 'utf8'), path.resolve(dir));
}

export function isMountPointSync(dir: string): boolean {
  return isMountedAt(readFileSync('/proc/self/mountinfo', 'utf8'), path.resolve(dir));
}
