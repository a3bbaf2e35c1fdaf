import path from 'node:path';
import { invalid } from '../../errors.js';

// OCI layer whiteouts (image-spec layer.md) and how they look in an unpacked layer
// directory used as an overlayfs lower layer:
//   ".wh.<name>"      → <name> is deleted from lower layers → a 0/0 character device
//   ".wh..wh..opq"    → the directory hides lower content  → trusted.overlay.opaque="y"
//   ".wh..wh.<other>" → aufs bookkeeping (e.g. .wh..wh.plnk) → ignored

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
const META_PREFIX = '.wh..wh.';

export type EntryClass =
  | { kind: 'normal'; path: string }
  | { kind: 'whiteout'; path: string }
  | { kind: 'opaque'; dir: string }
  | { kind: 'meta' };

/** Classify a cleaned relative entry path (see tar-path.ts). */
export function classifyEntry(rel: string): EntryClass {
  const base = path.posix.basename(rel);
  if (!base.startsWith(WHITEOUT_PREFIX)) return { kind: 'normal', path: rel };
  const dir = path.posix.dirname(rel);
  const parent = dir === '.' ? '' : dir;
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir: parent };
  if (base.startsWith(META_PREFIX)) return { kind: 'meta' };
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === '' || name === '.' || name === '..') throw invalid(`archive entry "${rel}": malformed whiteout`);
  return { kind: 'whiteout', path: parent === '' ? name : `${parent}/${name}` };
}

/** The overlayfs form of a whiteout: a character device with device number 0/0. */
export const OVERLAY_WHITEOUT = { type: 'c', major: 0, minor: 0 } as const;
export const OVERLAY_OPAQUE_XATTR = { name: 'trusted.overlay.opaque', value: 'y' } as const;

export function isOverlayWhiteout(st: { isCharacterDevice(): boolean; rdev: number }): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}
