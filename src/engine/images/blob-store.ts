import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalid, notFound } from '../../errors.js';
import { Digester, sha256Of } from './compression.js';
import { isSha256Digest } from './reference.js';

// Content-addressed blobs in the OCI image layout: blobs/sha256/<hex>. A blob is written
// to a temp file on the same filesystem and renamed into place once its digest is known,
// so a reader never sees a partial blob.

/** Small blobs (image configs, manifests) are kept in memory once read: a blob never changes. */
const SMALL_BLOB_BYTES = 64 * 1024;
const SMALL_BLOBS = 256;

export class BlobStore {
  readonly dir: string;
  /** Read small blobs by digest, oldest first (see SMALL_BLOB_BYTES); a copy goes out each time. */
  private readonly small = new Map<string, Buffer>();
  /** Bumped by each delete: a read that began before one does not put its blob back in `small`. */
  private deletes = 0;

  constructor(readonly root: string, private readonly tmpDir: string) {
    this.dir = path.join(root, 'blobs', 'sha256');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await mkdir(this.tmpDir, { recursive: true });
  }

  path(digest: string): string {
    if (!isSha256Digest(digest)) throw invalid(`unsupported digest "${digest}" (only sha256)`);
    return path.join(this.dir, digest.slice('sha256:'.length));
  }

  async has(digest: string): Promise<boolean> {
    try {
      return (await stat(this.path(digest))).isFile();
    } catch {
      return false;
    }
  }

  async size(digest: string): Promise<number> {
    return (await stat(this.path(digest))).size;
  }

  async read(digest: string): Promise<Buffer> {
    const cached = this.small.get(digest);
    if (cached) return Buffer.from(cached);
    const deletes = this.deletes;
    let data: Buffer;
    try {
      data = await readFile(this.path(digest));
    } catch (err) {
      throw notFound(`blob ${digest} not found`, err);
    }
    if (data.length <= SMALL_BLOB_BYTES && deletes === this.deletes) {
      if (this.small.size >= SMALL_BLOBS) this.small.delete(this.small.keys().next().value as string);
      this.small.set(digest, Buffer.from(data));
    }
    return data;
  }

  open(digest: string): Readable {
    return createReadStream(this.path(digest));
  }

  async writeBytes(data: Buffer | string): Promise<{ digest: string; size: number }> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const digest = sha256Of(buf);
    if (!(await this.has(digest))) {
      const tmp = this.tempPath();
      await writeFile(tmp, buf);
      await rename(tmp, this.path(digest));
    }
    return { digest, size: buf.length };
  }

  /** Store a stream; when `expected` is given, a mismatching digest is refused. */
  async writeStream(src: Readable, expected?: string): Promise<{ digest: string; size: number }> {
    const tmp = this.tempPath();
    const digester = new Digester();
    try {
      await pipeline(src, digester, createWriteStream(tmp, { flags: 'wx' }));
      const digest = digester.digest();
      if (expected !== undefined && digest !== expected) throw invalid(`blob digest mismatch: expected ${expected}, got ${digest}`);
      await rename(tmp, this.path(digest));
      return { digest, size: digester.size };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Move a file whose digest is already known (verified by the caller) into the store. */
  async adopt(file: string, digest: string): Promise<void> {
    if (await this.has(digest)) await rm(file, { force: true });
    else await rename(file, this.path(digest));
  }

  async list(): Promise<string[]> {
    const names = await readdir(this.dir);
    return names.filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  async delete(digest: string): Promise<void> {
    this.deletes += 1;
    this.small.delete(digest);
    await rm(this.path(digest), { force: true });
  }

  tempPath(): string {
    return path.join(this.tmpDir, `blob-${randomBytes(8).toString('hex')}`);
  }
}
