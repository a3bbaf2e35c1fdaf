import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobStore } from '../../../src/engine/images/blob-store.js';
import { StoreIndex } from '../../../src/engine/images/store-index.js';

// The image store keeps its index text and small blobs in memory (every create and start
// reads both): what it hands out must still be what is on disk, and each caller's own copy.

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'berth-store-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('store index', () => {
  it('reads what its own writes and other writers put in the file, and a fresh object each time', async () => {
    const root = tmp();
    const index = new StoreIndex(root, async () => undefined);
    expect((await index.read()).refs).toEqual({});
    await index.update((s) => {
      s.refs['docker.io/library/a:latest'] = 'sha256:1';
    });
    const first = await index.read();
    expect(first.refs).toEqual({ 'docker.io/library/a:latest': 'sha256:1' });
    first.refs.changed = 'by the caller';
    expect((await index.read()).refs).toEqual({ 'docker.io/library/a:latest': 'sha256:1' });
    // Another writer, in place (same inode), same length: the stat differs in mtime.
    const file = path.join(root, 'repositories.json');
    await new Promise((r) => setTimeout(r, 5));
    writeFileSync(file, JSON.stringify({ version: 1, images: {}, refs: { 'docker.io/library/b:latest': 'sha256:2' }, layers: {} }));
    expect((await index.read()).refs).toEqual({ 'docker.io/library/b:latest': 'sha256:2' });
    unlinkSync(file);
    expect((await index.read()).refs).toEqual({});
    writeFileSync(file, '{ not json');
    await expect(index.read()).rejects.toThrow(/corrupt/);
  });
});

describe('blob store', () => {
  it('hands out a copy of a small blob it read before, and forgets a deleted one', async () => {
    const root = tmp();
    const blobs = new BlobStore(root, path.join(root, 'tmp'));
    await blobs.init();
    const { digest } = await blobs.writeBytes('{"config":1}');
    const a = await blobs.read(digest);
    a.write('X');
    expect((await blobs.read(digest)).toString()).toBe('{"config":1}');
    await blobs.delete(digest);
    await expect(blobs.read(digest)).rejects.toThrow(/not found/);
  });
});
