import { createReadStream, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageStore } from '../../../src/engine/images/image-store.js';
import { busyboxTarball } from '../../support/busybox-rootfs.js';
import { useLeakCheck } from '../../support/leaks.js';
import { dockerArchive, tarOf } from './archives.js';

useLeakCheck();

let root: string;
let store: ImageStore;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'berth-img-rm-'));
  store = new ImageStore(path.join(root, 'images'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const blobs = (): string[] => readdirSync(path.join(store.root, 'blobs/sha256')).sort();
const layers = (): string[] => readdirSync(path.join(store.root, 'layers')).sort();
const links = (): string[] => readdirSync(path.join(store.root, 'l')).sort();

describe('rmi', () => {
  it('untags one of several tags, refuses an ID with several tags unless forced', async () => {
    const image = await store.importRootfs(createReadStream(busyboxTarball()), { ref: 'bb:1' });
    await store.tag('bb:1', 'bb:2');
    expect(await store.remove('bb:2')).toEqual([{ Untagged: 'bb:2' }]);
    await store.tag('bb:1', 'other/bb:x');
    expect((await store.inspect(image.id)).repoTags).toEqual(['bb:1', 'other/bb:x']);
    await expect(store.remove(image.id.slice(7, 19))).rejects.toMatchObject({ code: 'conflict' });
    const answer = await store.remove(image.id.slice(7, 19), { force: true });
    expect(answer).toEqual([{ Untagged: 'bb:1' }, { Untagged: 'other/bb:x' }, { Deleted: image.id }]);
    await expect(store.inspect(image.id)).rejects.toMatchObject({ code: 'not_found' });
    // garbage collected: no blob, no layer, no short link left
    expect(blobs()).toEqual([]);
    expect(layers()).toEqual([]);
    expect(links()).toEqual([]);
  });

  it('refuses to remove an image a container uses; with force it is only untagged', async () => {
    const image = await store.importRootfs(createReadStream(busyboxTarball()), { ref: 'used:1' });
    const inUse = (id: string): boolean => id === image.id;
    await expect(store.remove('used:1', { inUse })).rejects.toMatchObject({ code: 'conflict' });
    expect(await store.remove('used:1', { inUse, force: true })).toEqual([{ Untagged: 'used:1' }]);
    const dangling = await store.inspect(image.id);
    expect(dangling.repoTags).toEqual([]);
    expect(await store.layerDirs(image.id)).toHaveLength(1);
    expect(await store.remove(image.id)).toEqual([{ Deleted: image.id }]);
    expect(layers()).toEqual([]);
  });

  it('keeps layers another image still shares', async () => {
    const base = await tarOf([{ name: 'base', content: 'b' }]);
    const a = await tarOf([{ name: 'a', content: 'a' }]);
    const b = await tarOf([{ name: 'b', content: 'b' }]);
    await store.load(Readable.from(await dockerArchive([base, a], ['img:a'])));
    await store.load(Readable.from(await dockerArchive([base, b], ['img:b'])));
    expect(layers()).toHaveLength(3);
    const removed = await store.remove('img:a');
    expect(removed.map((r) => Object.keys(r)[0])).toEqual(['Untagged', 'Deleted']);
    expect(layers()).toHaveLength(2);
    const [, baseDir = ''] = await store.layerDirs('img:b');
    expect(readdirSync(baseDir)).toEqual(['base']);
    await store.remove('img:b');
    expect(layers()).toEqual([]);
    expect(blobs()).toEqual([]);
  });

  it('re-tagging moves a tag and leaves the old image dangling', async () => {
    const one = await store.load(Readable.from(await dockerArchive([await tarOf([{ name: '1', content: '1' }])], ['t:x'])));
    const two = await store.load(Readable.from(await dockerArchive([await tarOf([{ name: '2', content: '2' }])], ['t:x'])));
    expect((await store.inspect('t:x')).id).toBe(two[0]?.id);
    expect((await store.inspect(one[0]?.id ?? '')).repoTags).toEqual([]);
    const listed = await store.list();
    expect(listed.map((r) => r.repoTags)).toEqual(expect.arrayContaining([['t:x'], []]));
    for (const r of listed) await store.remove(r.id);
    expect(blobs()).toEqual([]);
  });

  it('concurrent writers in one process lose no update', async () => {
    const image = await store.importRootfs(createReadStream(busyboxTarball()), { ref: 'c:0' });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.tag(image.id, `c:${i + 1}`)));
    expect((await store.inspect(image.id)).repoTags).toHaveLength(21);
    const imports = await Promise.all(
      Array.from({ length: 4 }, async (_, i) => store.load(Readable.from(await dockerArchive([await tarOf([{ name: `f${i}`, content: String(i) }])], [`par:${i}`])))),
    );
    expect(new Set(imports.map((r) => r[0]?.id)).size).toBe(4);
    expect((await store.list()).length).toBe(5);
  });
});

describe('crash leftovers', () => {
  it('a new store on the same root removes orphan blobs, layers and temp files', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const dir = path.join(root, 'crashed');
    const first = new ImageStore(dir);
    await first.importRootfs(createReadStream(busyboxTarball()), { ref: 'keep:1' });
    writeFileSync(path.join(dir, 'blobs/sha256', 'f'.repeat(64)), 'orphan');
    mkdirSync(path.join(dir, 'layers', 'e'.repeat(64)));
    mkdirSync(path.join(dir, 'layers', `.tmp-${'e'.repeat(12)}-1234`));
    writeFileSync(path.join(dir, 'tmp', 'blob-x'), 'partial');
    const second = new ImageStore(dir);
    expect((await second.inspect('keep:1')).repoTags).toEqual(['keep:1']);
    expect(readdirSync(path.join(dir, 'blobs/sha256'))).not.toContain('f'.repeat(64));
    expect(readdirSync(path.join(dir, 'layers'))).toHaveLength(1);
    expect(readdirSync(path.join(dir, 'tmp'))).toEqual([]);
  });
});
