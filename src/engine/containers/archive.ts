import { spawn } from 'node:child_process';
import { chmod, chown, lchown, link, lstat, mkdir, open, readlink, symlink, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import tar, { type Header } from 'tar-stream';
import { BerthError, invalid, notFound } from '../../errors.js';
import { safeEntryPath } from '../images/tar-path.js';
import { scopedPath } from './rootfs-path.js';

// GET/HEAD/PUT /containers/:id/archive: a path of the container's filesystem as a tar,
// and a tar extracted into a directory of it. Paths resolve inside the rootfs (symlinks
// scoped to it) and entries that would land outside the target are refused.

export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

// Go's os.FileMode bits, which the Docker CLI decodes from the stat header.
const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;

export async function statPath(rootfs: string, inner: string): Promise<{ host: string; stat: PathStat }> {
  const host = await scopedPath(rootfs, inner, false);
  const st = await lstat(host).catch(() => undefined);
  if (!st) throw notFound(`Could not find the file ${inner} in container`);
  let mode = st.mode & 0o7777;
  if (st.isDirectory()) mode += MODE_DIR;
  let linkTarget = '';
  if (st.isSymbolicLink()) {
    mode += MODE_SYMLINK;
    linkTarget = await readlink(host);
  }
  return { host, stat: { name: path.posix.basename(inner) || '/', size: st.size, mode, mtime: st.mtime.toISOString(), linkTarget } };
}

export function statHeader(stat: PathStat): string {
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}

/** A tar of host path `host` with its base name as the top entry. */
export function tarOf(host: string): Readable {
  const parent = path.dirname(host);
  const base = path.basename(host);
  const child = spawn('tar', ['--numeric-owner', '-C', parent, '-cf', '-', '--', base], { stdio: ['ignore', 'pipe', 'ignore'] });
  return child.stdout;
}

/** Extract `archive` into the container directory `inner`. */
export async function extractInto(rootfs: string, inner: string, archive: Readable): Promise<void> {
  const dest = await scopedPath(rootfs, inner);
  const st = await lstat(dest).catch(() => undefined);
  if (!st) throw notFound(`Could not find the file ${inner} in container`);
  if (!st.isDirectory()) throw invalid(`extraction point is not a directory: ${inner}`);
  const destInner = path.posix.normalize(`/${inner}`);
  const extract = tar.extract();
  archive.on('error', (err) => extract.destroy(err));
  archive.pipe(extract as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extract) await writeEntry(rootfs, destInner, entry.header, entry);
  } catch (err) {
    archive.unpipe();
    archive.resume();
    if (err instanceof BerthError) throw err;
    throw invalid(`bad archive: ${(err as Error).message}`, err);
  }
}

async function writeEntry(rootfs: string, destInner: string, h: Header, stream: AsyncIterable<unknown> & { resume(): unknown }): Promise<void> {
  const rel = safeEntryPath(h.name);
  if (rel === '') {
    stream.resume();
    return;
  }
  const innerPath = path.posix.join(destInner, rel);
  // The parent is resolved inside the rootfs; the entry itself is never followed.
  const parent = await scopedPath(rootfs, path.posix.dirname(innerPath));
  await mkdir(parent, { recursive: true });
  const target = path.join(parent, path.posix.basename(innerPath));
  const existing = await lstat(target).catch(() => undefined);
  const mode = (h.mode ?? 0o644) & 0o7777;
  switch (h.type) {
    case 'directory':
      if (existing && !existing.isDirectory()) await unlink(target);
      await mkdir(target, { recursive: true });
      await chmod(target, mode);
      stream.resume();
      break;
    case 'file':
    case 'contiguous-file':
      if (existing && !existing.isFile()) {
        if (existing.isDirectory()) throw invalid(`cannot overwrite directory ${innerPath} with a file`);
        await unlink(target);
      }
      {
        const fh = await open(target, 'w', mode);
        try {
          for await (const chunk of stream) await fh.write(chunk as Buffer);
        } finally {
          await fh.close();
        }
      }
      await chmod(target, mode);
      break;
    case 'symlink':
      if (existing) await unlink(target);
      await symlink(h.linkname ?? '', target);
      stream.resume();
      break;
    case 'link': {
      const from = await scopedPath(rootfs, path.posix.join(destInner, safeEntryPath(h.linkname ?? '')), false);
      if (existing) await unlink(target);
      await link(from, target);
      stream.resume();
      break;
    }
    default:
      stream.resume();
      return;
  }
  if (h.type === 'symlink') await lchown(target, h.uid ?? 0, h.gid ?? 0).catch(() => undefined);
  else {
    await chown(target, h.uid ?? 0, h.gid ?? 0).catch(() => undefined);
    if (h.mtime) await utimes(target, h.mtime, h.mtime).catch(() => undefined);
  }
}
