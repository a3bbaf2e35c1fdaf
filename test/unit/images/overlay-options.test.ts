import { describe, expect, it } from 'vitest';
import { detectCompression } from '../../../src/engine/images/compression.js';
import { MOUNT_OPTIONS_MAX, overlayOptions } from '../../../src/engine/images/overlay-mount.js';

describe('overlay mount options', () => {
  const layout = (n: number) => ({
    cwd: '/var/lib/berth/images',
    lowers: Array.from({ length: n }, (_, i) => `/var/lib/berth/images/layers/${String(i).padStart(64, '0')}`),
    shortLowers: Array.from({ length: n }, (_, i) => `l/${String(i).padStart(16, '0')}`),
  });

  it('uses absolute lower dirs, top-most first, while they fit', () => {
    expect(overlayOptions(layout(2), '/c/upper', '/c/work')).toBe(
      `lowerdir=/var/lib/berth/images/layers/${'0'.repeat(64)}:/var/lib/berth/images/layers/${'0'.repeat(63)}1,upperdir=/c/upper,workdir=/c/work`,
    );
  });

  it('switches to short relative names when the absolute form would not fit in a page', () => {
    const opts = overlayOptions(layout(100), '/c/upper', '/c/work');
    expect(opts.length).toBeLessThanOrEqual(MOUNT_OPTIONS_MAX);
    expect(opts.startsWith(`lowerdir=l/${'0'.repeat(16)}:l/`)).toBe(true);
  });

  it('refuses no layers, too many layers, and paths overlay cannot take', () => {
    expect(() => overlayOptions(layout(0), '/u', '/w')).toThrow(/at least one layer/);
    expect(() => overlayOptions(layout(400), '/u', '/w')).toThrow(/too many layers/);
    expect(() => overlayOptions(layout(1), '/a,b/upper', '/w')).toThrow(/contains/);
  });
});

describe('compression detection', () => {
  it('recognises gzip and zstd by their magic bytes', () => {
    expect(detectCompression(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    expect(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe('zstd');
    expect(detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))).toBe('xz');
    expect(detectCompression(Buffer.from('BZh91AY'))).toBe('bzip2');
    expect(detectCompression(Buffer.from('etc/'))).toBe('none');
    expect(detectCompression(Buffer.alloc(0))).toBe('none');
  });
});
