import { describe, expect, it } from 'vitest';
import { isMountedAt, mountPoints, mountsBelow } from '../../../src/runtime/mountinfo.js';

const info = [
  '22 27 0:21 / /proc rw,relatime - proc proc rw',
  '60 27 0:50 / /var/lib/my\\040root/containers/c1/rootfs rw - overlay overlay rw,lowerdir=/a',
  '61 60 0:51 / /var/lib/my\\040root/containers/c1/rootfs/dev rw - tmpfs tmpfs rw',
  '62 27 0:52 / /var/lib/my\\040root/containers/c10 rw - tmpfs tmpfs rw',
  '',
].join('\n');

describe('mountinfo', () => {
  it('lists mount points with their octal escapes undone', () => {
    expect(mountPoints(info)).toContain('/var/lib/my root/containers/c1/rootfs');
    expect(isMountedAt(info, '/var/lib/my root/containers/c1/rootfs')).toBe(true);
    expect(isMountedAt(info, '/var/lib/my\\040root/containers/c1/rootfs')).toBe(false);
  });

  it('finds what is mounted at or below a directory, not beside it', () => {
    expect(mountsBelow(info, '/var/lib/my root/containers/c1')).toEqual(['/var/lib/my root/containers/c1/rootfs', '/var/lib/my root/containers/c1/rootfs/dev']);
    expect(mountsBelow(info, '/var/lib/my root/containers/c2')).toEqual([]);
  });
});
