import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readdir, readlink, rename, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { invalid } from '../../errors.js';
import { Digester } from './compression.js';
import { unpackLayer } from './layer-unpack.js';

// Unpacked layers, one directory per diff ID (layers/<hex>), unpacked once and shared
// by every image and container. A layer is unpacked into a temp dir and renamed into
// place only when complete and its content hashed to the expected diff ID, so a crash
// never leaves a half layer under its real name. Each layer also gets a short symlink
// l/<16 hex> → ../layers/<hex>, which keeps overlay's lowerdir option short.

export const SHORT_LINK_LENGTH = 16;

export class LayerStore {
  readonly dir: string;
  readonly linkDir: string;
  private readonly inflight = new Map<string, Promise<{ size: number; unpacked: boolean }>>();

  constructor(readonly root: string) {
    this.dir = path.join(root, 'layers');
    this.linkDir = path.join(root, 'l');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await mkdir(this.linkDir, { recursive: true });
    // Leftovers of an unpack interrupted by a crash.
    for (const name of await readdir(this.dir)) {
      if (name.startsWith('.tmp-')) await rm(path.join(this.dir, name), { recursive: true, force: true });
    }
  }

  path(diffId: string): string {
    return path.join(this.dir, hexOf(diffId));
  }

  /** The short, relative name overlay uses (relative to the store root). */
  shortName(diffId: string): string {
    return path.join('l', hexOf(diffId).slice(0, SHORT_LINK_LENGTH));
  }

  /** A stat on the event loop: every container start asks, for each of its image's layers. */
  hasSync(diffId: string): boolean {
    try {
      return statSync(this.path(diffId)).isDirectory();
    } catch {
      return false;
    }
  }

  async has(diffId: string): Promise<boolean> {
    try {
      return (await stat(this.path(diffId))).isDirectory();
    } catch {
      return false;
    }
  }

  /**
   * Make sure the layer is unpacked. `open` yields its uncompressed tar; `lowers` are the
   * layers below it (top-most first). `size` is the uncompressed size when this call
   * unpacked it (`unpacked`), else -1 (the store index already knows it).
   */
  ensure(diffId: string, open: () => Promise<Readable>, lowers: readonly string[]): Promise<{ size: number; unpacked: boolean }> {
    const running = this.inflight.get(diffId);
    if (running) return running.then(() => ({ size: -1, unpacked: false }));
    const job = this.unpack(diffId, open, lowers).finally(() => this.inflight.delete(diffId));
    this.inflight.set(diffId, job);
    return job;
  }

  private async unpack(diffId: string, open: () => Promise<Readable>, lowers: readonly string[]): Promise<{ size: number; unpacked: boolean }> {
    const hex = hexOf(diffId);
    if (await this.has(diffId)) {
      await this.link(hex);
      return { size: -1, unpacked: false };
    }
    const tmp = path.join(this.dir, `.tmp-${hex.slice(0, 12)}-${randomBytes(4).toString('hex')}`);
    await mkdir(tmp, { mode: 0o755 });
    try {
      const digester = new Digester();
      const src = await open();
      src.on('error', (err) => digester.destroy(err));
      // unpackLayer reads the tar to its very end, so the hash covers all of it.
      await unpackLayer(src.pipe(digester), tmp, { lowers });
      const actual = digester.digest();
      if (actual !== diffId) throw invalid(`layer content does not match its diff ID: expected ${diffId}, got ${actual}`);
      await rename(tmp, this.path(diffId));
      await this.link(hex);
      return { size: digester.size, unpacked: true };
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  private async link(hex: string): Promise<void> {
    const linkPath = path.join(this.linkDir, hex.slice(0, SHORT_LINK_LENGTH));
    const target = path.join('..', 'layers', hex);
    try {
      if ((await readlink(linkPath)) === target) return;
      await rm(linkPath, { force: true });
    } catch {
      // absent
    }
    await symlink(target, linkPath);
  }

  async remove(diffId: string): Promise<void> {
    const hex = hexOf(diffId);
    await rm(path.join(this.linkDir, hex.slice(0, SHORT_LINK_LENGTH)), { force: true });
    // Rename first so a half-deleted tree never sits under the layer's real name.
    const doomed = path.join(this.dir, `.tmp-rm-${hex.slice(0, 12)}-${randomBytes(4).toString('hex')}`);
    try {
      await rename(this.path(diffId), doomed);
    } catch {
      return;
    }
    await rm(doomed, { recursive: true, force: true });
  }

  async list(): Promise<string[]> {
    return (await readdir(this.dir)).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }
}

function hexOf(diffId: string): string {
  const m = /^sha256:([a-f0-9]{64})$/.exec(diffId);
  if (!m?.[1]) throw invalid(`unsupported diff ID "${diffId}"`);
  return m[1];
}
