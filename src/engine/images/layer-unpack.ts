import { execFile } from 'node:child_process';
import { closeSync, constants, fchmodSync, fchownSync, futimesSync, openSync, writeSync, type Stats } from 'node:fs';
import { chmod, lchown, link, lstat, lutimes, mkdir, rm, symlink, unlink, utimes } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import tar from 'tar-stream';
import { isBerthError, invalid, unavailable } from '../../errors.js';
import { PaxXattrScanner, type Xattrs } from './pax-xattrs.js';
import { parentChain, safeEntryPath, under } from './tar-path.js';
import { classifyEntry, isOverlayWhiteout, OVERLAY_OPAQUE_XATTR, OVERLAY_WHITEOUT } from './whiteout.js';

const run = promisify(execFile);

// Unpack one uncompressed layer tar into its own directory, in the form overlayfs reads
// as a lower layer (whiteouts as 0/0 char devices, opaque dirs with the overlay xattr).
//
// Safety: nothing is ever written outside `target`.
//  - names are cleaned; names climbing above the root are refused (tar-path.ts);
//  - every parent component is checked with lstat and must be a real directory: a
//    symlink there (in this layer, or — for a parent this layer does not create — in
//    the top-most lower layer that has it) refuses the archive, so no write goes
//    THROUGH a symlink; symlinks themselves are created as-is and never followed;
//  - an existing path is unlinked before a new entry takes its name and files are
//    created with O_EXCL|O_NOFOLLOW, so a write never lands on an old link's target;
//  - hard links must name a non-directory already unpacked in this layer.
// Node has no setxattr or mknod, so the `setfattr` (package attr) and `mknod` commands
// do those two jobs.

export interface UnpackOptions {
  /** Unpacked lower layers, top-most first (for the write-through-symlink check). */
  lowers?: readonly string[];
}

interface Deferred {
  host: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
}

type Header = tar.Header;
/** An entry's content as tar-stream hands it over (a streamx readable). */
type EntryBody = AsyncIterable<Buffer>;

export async function unpackLayer(src: Readable, target: string, opts: UnpackOptions = {}): Promise<void> {
  const unpacker = new LayerUnpacker(target, opts.lowers ?? []);
  const extract = tar.extract();
  const xattrs = new PaxXattrScanner();
  let feedError: unknown;
  const feeding = pipeline(src, xattrs, extract as unknown as NodeJS.WritableStream).catch((err: unknown) => {
    feedError = err;
  });
  try {
    let index = 0;
    for await (const entry of extract) {
      try {
        await unpacker.entry(entry.header, entry as unknown as EntryBody, xattrs.xattrsOf(index++));
      } finally {
        entry.resume();
      }
    }
  } catch (err) {
    extract.destroy();
    src.destroy();
    await feeding;
    throw asTarError(err, 'layer');
  }
  await feeding;
  if (feedError !== undefined) throw invalid(`layer is not a valid tar archive: ${(feedError as Error).message}`, feedError);
  await unpacker.finish();
}

class LayerUnpacker {
  private readonly dirs = new Map<string, Deferred>();
  private readonly opaque = new Set<string>();
  private readonly dirXattrs = new Map<string, Xattrs>();
  /** Host paths verified (or made) as real directories of this layer; saves lstat calls. */
  private readonly knownDirs = new Set<string>();

  constructor(private readonly root: string, private readonly lowers: readonly string[]) {}

  async entry(header: Header, body: EntryBody, xattrs?: Xattrs): Promise<void> {
    await this.node(header, body);
    if (!xattrs || xattrs.size === 0) return;
    const rel = safeEntryPath(header.name);
    const cls = classifyEntry(rel);
    if (cls.kind !== 'normal' || rel === '') return;
    const host = under(this.root, rel);
    // A directory's owner is set at the end (finish): its xattrs go then, after the chown.
    if (header.type === 'directory') this.dirXattrs.set(host, xattrs);
    else await setXattrs(host, xattrs, header.name);
  }

  private async node(header: Header, body: EntryBody): Promise<void> {
    const rel = safeEntryPath(header.name);
    const cls = classifyEntry(rel);
    if (cls.kind === 'meta') return;
    if (cls.kind === 'opaque') {
      await this.ensureDir(cls.dir, header.name);
      this.opaque.add(cls.dir);
      return;
    }
    if (cls.kind === 'whiteout') {
      await this.ensureParents(cls.path, header.name);
      const host = under(this.root, cls.path);
      await this.removeExisting(host);
      await mknod(host, 'c', OVERLAY_WHITEOUT.major, OVERLAY_WHITEOUT.minor, 0o600);
      return;
    }
    if (rel === '') {
      if (header.type === 'directory') this.dirs.set(this.root, deferred(this.root, header));
      return;
    }
    await this.ensureParents(rel, header.name);
    const host = under(this.root, rel);
    switch (header.type) {
      case 'directory':
        await this.directory(host, header);
        return;
      case 'file':
      case 'contiguous-file':
        await this.file(host, header, body);
        return;
      case 'symlink':
        await this.removeExisting(host);
        await symlink(header.linkname ?? '', host);
        await lchown(host, header.uid ?? 0, header.gid ?? 0);
        await lutimes(host, mtimeOf(header), mtimeOf(header));
        return;
      case 'link':
        await this.hardLink(host, header);
        return;
      case 'character-device':
      case 'block-device':
      case 'fifo':
        await this.removeExisting(host);
        await mknod(host, header.type === 'fifo' ? 'p' : header.type === 'block-device' ? 'b' : 'c', header.devmajor ?? 0, header.devminor ?? 0, modeOf(header));
        await this.finishNode(host, header);
        return;
      default:
        // Global pax headers, GNU long names and the like are consumed by tar-stream.
        return;
    }
  }

  async finish(): Promise<void> {
    // Deepest first, after all content is in: writing into a directory changes its mtime.
    const dirs = [...this.dirs.values()].sort((a, b) => b.host.length - a.host.length);
    for (const d of dirs) {
      await lchown(d.host, d.uid, d.gid);
      await chmod(d.host, d.mode);
      await utimes(d.host, d.mtime, d.mtime);
    }
    for (const dir of this.opaque) await setOpaque(under(this.root, dir));
    for (const [host, xattrs] of this.dirXattrs) await setXattrs(host, xattrs, host);
  }

  private async directory(host: string, header: Header): Promise<void> {
    const st = await lstatOrNull(host);
    if (st && !st.isDirectory()) await unlink(host);
    if (!st || !st.isDirectory()) await mkdir(host, { mode: 0o755 });
    this.dirs.set(host, deferred(host, header));
  }

  private async file(host: string, header: Header, body: EntryBody): Promise<void> {
    // Synchronous calls on one descriptor: a few microseconds each, where a round trip
    // through libuv's thread pool per call made unpacking several times slower.
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    let fd: number;
    try {
      fd = openSync(host, flags, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A name already taken (by a file, link or dir) is replaced, never written through.
      await this.removeExisting(host);
      fd = openSync(host, flags, 0o600);
    }
    try {
      for await (const chunk of body) writeAll(fd, chunk);
      fchownSync(fd, header.uid, header.gid);
      // chmod after chown: chown clears the set-id bits.
      fchmodSync(fd, modeOf(header));
      futimesSync(fd, mtimeOf(header), mtimeOf(header));
    } finally {
      closeSync(fd);
    }
  }

  private async hardLink(host: string, header: Header): Promise<void> {
    const targetRel = safeEntryPath(header.linkname ?? '');
    if (targetRel === '') throw invalid(`archive entry "${header.name}": hard link to the layer root`);
    // The target must be in this layer, reached through real directories only.
    for (const p of parentChain(targetRel)) {
      const st = await lstatOrNull(under(this.root, p));
      if (!st || !st.isDirectory()) throw invalid(`archive entry "${header.name}": hard link target "${header.linkname}" is not in this layer`);
    }
    const targetHost = under(this.root, targetRel);
    const st = await lstatOrNull(targetHost);
    if (!st) throw invalid(`archive entry "${header.name}": hard link target "${header.linkname}" is not in this layer`);
    if (st.isDirectory()) throw invalid(`archive entry "${header.name}": hard link to a directory`);
    if (targetHost === host) return;
    await this.removeExisting(host);
    // link(2) does not follow a symlink target: the new name shares the symlink's inode.
    await link(targetHost, host);
  }

  /** Remove whatever is at `host` (never following a symlink) and forget it as a directory. */
  private async removeExisting(host: string): Promise<void> {
    const st = await lstatOrNull(host);
    if (!st) return;
    if (st.isDirectory()) {
      for (const dir of this.knownDirs) if (dir === host || dir.startsWith(`${host}/`)) this.knownDirs.delete(dir);
      // rm does not follow symlinks: it removes the real directory tree.
      await rm(host, { recursive: true, force: true });
    } else {
      await unlink(host);
    }
  }

  private async finishNode(host: string, header: Header): Promise<void> {
    await lchown(host, header.uid ?? 0, header.gid ?? 0);
    // chmod after chown: chown clears the set-id bits.
    await chmod(host, modeOf(header));
    await utimes(host, mtimeOf(header), mtimeOf(header));
  }

  private async ensureDir(rel: string, entryName: string): Promise<void> {
    if (rel === '') return;
    await this.ensureParents(rel, entryName);
    const host = under(this.root, rel);
    const st = await lstatOrNull(host);
    if (st?.isDirectory()) return;
    if (st) throw invalid(`archive entry "${entryName}": "${rel}" is not a directory`);
    await this.makeImplicitDir(rel, entryName);
  }

  /** Every parent of `rel` must be a real directory; missing ones are made. */
  private async ensureParents(rel: string, entryName: string): Promise<void> {
    for (const p of parentChain(rel)) {
      const host = under(this.root, p);
      if (this.knownDirs.has(host)) continue;
      const st = await lstatOrNull(host);
      if (st?.isDirectory()) {
        this.knownDirs.add(host);
        continue;
      }
      if (st?.isSymbolicLink()) throw invalid(`archive entry "${entryName}" would be written through the symlink "${p}"`);
      if (st) throw invalid(`archive entry "${entryName}": "${p}" is not a directory`);
      await this.makeImplicitDir(p, entryName);
      this.knownDirs.add(host);
    }
  }

  /**
   * A directory the archive uses without an entry of its own. In the merged view the
   * top-most layer's copy of a directory decides its mode and owner, so it copies them
   * from the lower layer that has it (or is root-owned 0755 when none has).
   */
  private async makeImplicitDir(rel: string, entryName: string): Promise<void> {
    const lower = await this.lowerEntry(rel, entryName);
    const host = under(this.root, rel);
    await mkdir(host, { mode: 0o755 });
    if (lower?.isDirectory()) {
      this.dirs.set(host, { host, mode: lower.mode & 0o7777, uid: lower.uid, gid: lower.gid, mtime: lower.mtime });
    }
  }

  /**
   * What the layers below show at `rel`: the top-most lower layer holding it decides. A
   * symlink there refuses the entry, so nothing is ever written through it.
   */
  private async lowerEntry(rel: string, entryName: string): Promise<Stats | null> {
    for (const lower of this.lowers) {
      const st = await lstatOrNull(under(lower, rel));
      if (!st) continue;
      if (st.isSymbolicLink()) throw invalid(`archive entry "${entryName}" would be written through the symlink "${rel}" of a lower layer`);
      return isOverlayWhiteout(st) ? null : st;
    }
    return null;
  }
}

function deferred(host: string, header: Header): Deferred {
  return { host, mode: modeOf(header), uid: header.uid ?? 0, gid: header.gid ?? 0, mtime: mtimeOf(header) };
}

function writeAll(fd: number, chunk: Buffer): void {
  let offset = 0;
  while (offset < chunk.length) offset += writeSync(fd, chunk, offset, chunk.length - offset);
}

const modeOf = (header: Header): number => (header.mode ?? 0o644) & 0o7777;
const mtimeOf = (header: Header): Date => header.mtime ?? new Date(0);

async function lstatOrNull(p: string): Promise<Stats | null> {
  try {
    return await lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}


async function mknod(host: string, type: 'c' | 'b' | 'p', major: number, minor: number, mode: number): Promise<void> {
  const args = ['-m', mode.toString(8), host, type];
  if (type !== 'p') args.push(String(major), String(minor));
  try {
    await run('mknod', args);
  } catch (err) {
    throw unavailable(`mknod ${host}: ${(err as Error).message}`, err);
  }
}

/**
 * An entry's extended attributes, after its owner and mode (a chown clears
 * security.capability). overlayfs's own (trusted.overlay.*) are not taken from a layer:
 * the whiteouts and opaque markers decide those. A filesystem without xattr support
 * here skips them, as Docker does; any other failure refuses the layer.
 */
async function setXattrs(host: string, xattrs: Xattrs, entryName: string): Promise<void> {
  for (const [name, value] of xattrs) {
    if (name.startsWith('trusted.overlay.')) continue;
    try {
      await run('setfattr', ['-h', '-n', name, '-v', `0x${value.toString('hex')}`, host]);
    } catch (err) {
      const stderr = String((err as { stderr?: unknown }).stderr ?? '');
      if (/not supported/i.test(stderr)) continue;
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw unavailable('setfattr not found: apt-get install attr (needed for extended attributes in layers)', err);
      throw invalid(`archive entry "${entryName}": cannot set extended attribute ${name}: ${stderr.trim() || (err as Error).message}`, err);
    }
  }
}

async function setOpaque(host: string): Promise<void> {
  try {
    await run('setfattr', ['-h', '-n', OVERLAY_OPAQUE_XATTR.name, '-v', OVERLAY_OPAQUE_XATTR.value, host]);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw unavailable(missing ? 'setfattr not found: apt-get install attr (needed for opaque directories in layers)' : `setfattr ${host}: ${(err as Error).message}`, err);
  }
}

/** tar-stream reports a malformed archive with a plain Error; system errors keep their errno code. */
function asTarError(err: unknown, what: string): unknown {
  if (isBerthError(err) || typeof (err as NodeJS.ErrnoException).code === 'string') return err;
  return invalid(`${what} is not a valid tar archive: ${(err as Error).message}`, err);
}
