import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { isBerthError, invalid } from '../../errors.js';
import { decompressed, Digester } from './compression.js';
import { safeEntryPath } from './tar-path.js';

// An image archive (docker save or OCI layout tar) read once, front to back: each
// regular file is written to a numbered staging file while its sha256 is computed;
// nothing is extracted under the archive's own names, so a hostile name cannot reach
// anything. Symlinks and hard links between archive members (old `docker save` uses
// them for shared layers) are resolved by name, inside the archive only.

export interface StagedFile {
  file: string;
  size: number;
  digest: string;
}

const MAX_JSON = 64 * 1024 * 1024;
const MAX_LINK_HOPS = 16;

export class StagedArchive {
  readonly files = new Map<string, StagedFile>();
  readonly links = new Map<string, string>();

  constructor(readonly dir: string) {}

  /** The member named `name` (after following in-archive links), or undefined. */
  get(name: string): StagedFile | undefined {
    let current = safeEntryPath(name);
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const file = this.files.get(current);
      if (file) return file;
      const next = this.links.get(current);
      if (next === undefined) return undefined;
      current = next;
    }
    throw invalid(`image archive: too many levels of links at "${name}"`);
  }

  require(name: string): StagedFile {
    const file = this.get(name);
    if (!file) throw invalid(`image archive: "${name}" is missing`);
    return file;
  }

  async readBytes(name: string): Promise<Buffer> {
    const file = this.require(name);
    if (file.size > MAX_JSON) throw invalid(`image archive: "${name}" is too large for a metadata file`);
    return readFile(file.file);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  async cleanup(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

type EntryBody = AsyncIterable<Buffer> & { resume(): void };

export async function stageArchive(src: Readable, dir: string): Promise<StagedArchive> {
  await mkdir(dir, { recursive: true });
  const staged = new StagedArchive(dir);
  const plain = await decompressed(src, 'image archive');
  const extract = tar.extract();
  let feedError: unknown;
  const feeding = pipeline(plain, extract as unknown as NodeJS.WritableStream).catch((err: unknown) => {
    feedError = err;
  });
  let n = 0;
  try {
    for await (const entry of extract) {
      const body = entry as unknown as EntryBody;
      try {
        const name = safeEntryPath(entry.header.name);
        if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') {
          const file = path.join(dir, `f${n++}`);
          const digester = new Digester();
          await pipeline(body, digester, createWriteStream(file, { flags: 'wx' }));
          staged.files.set(name, { file, size: digester.size, digest: digester.digest() });
        } else if (entry.header.type === 'symlink') {
          // Relative to the link's directory, as a filesystem would read it; confined.
          const target = entry.header.linkname.startsWith('/') ? entry.header.linkname : path.posix.join(path.posix.dirname(name), entry.header.linkname);
          staged.links.set(name, safeEntryPath(target));
        } else if (entry.header.type === 'link') {
          staged.links.set(name, safeEntryPath(entry.header.linkname));
        }
      } finally {
        body.resume();
      }
    }
  } catch (err) {
    extract.destroy();
    plain.destroy();
    await feeding;
    await staged.cleanup();
    throw asTarError(err, 'image archive');
  }
  await feeding;
  if (feedError !== undefined) {
    await staged.cleanup();
    throw invalid(`image archive is not a valid tar: ${(feedError as Error).message}`, feedError);
  }
  return staged;
}

/** tar-stream reports a malformed archive with a plain Error; system errors keep their errno code. */
function asTarError(err: unknown, what: string): unknown {
  if (isBerthError(err) || typeof (err as NodeJS.ErrnoException).code === 'string') return err;
  return invalid(`${what} is not a valid tar archive: ${(err as Error).message}`, err);
}
