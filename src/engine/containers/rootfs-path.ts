import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';
import { invalid } from '../../errors.js';

// A path inside a container's rootfs, resolved on the host the way the container would
// see it: symlinks followed with "/" meaning the rootfs, so neither `..` nor an absolute
// link can lead outside it (Docker's symlink.FollowSymlinkInScope).
export async function scopedPath(rootfs: string, inner: string, followLast = true): Promise<string> {
  const parts = path.posix.normalize(`/${inner}`).split('/').filter(Boolean);
  let current = '/';
  let hops = 0;
  while (parts.length > 0) {
    const part = parts.shift() ?? '';
    if (part === '.' ) continue;
    if (part === '..') {
      current = path.posix.dirname(current);
      continue;
    }
    const next = path.posix.join(current, part);
    const isLast = parts.length === 0;
    const st = await lstat(path.join(rootfs, next)).catch(() => undefined);
    if (st?.isSymbolicLink() && (followLast || !isLast)) {
      if (++hops > 40) throw invalid(`too many levels of symbolic links: ${inner}`);
      const target = await readlink(path.join(rootfs, next));
      if (target.startsWith('/')) current = '/';
      parts.unshift(...target.split('/').filter(Boolean));
      continue;
    }
    current = next;
  }
  return path.join(rootfs, current);
}
