import { execFileSync } from 'node:child_process';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageStore } from '../../../src/engine/images/image-store.js';
import { busyboxTarball } from '../../support/busybox-rootfs.js';
import { useLeakCheck } from '../../support/leaks.js';
import { imageConfig, ociArchive, sha256, tarOf } from './archives.js';

useLeakCheck();

let root: string;
let store: ImageStore;
let n = 0;
const freshStore = (): ImageStore => new ImageStore(path.join(root, `store-${n++}`));

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'berth-img-roundtrip-'));
  store = freshStore();
  await store.importRootfs(createReadStream(busyboxTarball()), { ref: 'bb:1', changes: ['CMD ["sh"]'] });
  await store.tag('bb:1', 'example.com/team/bb:v2');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function save(s: ImageStore, refs: string[], format: 'docker' | 'oci'): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await s.save(refs, out, format);
  return Buffer.concat(chunks);
}

async function members(archive: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      files.set(entry.header.name, Buffer.concat(chunks));
    }
  })();
  extract.end(archive);
  await done;
  return files;
}

describe('save and load', () => {
  it('docker format: config bytes and diff IDs preserved, tags restored', async () => {
    const original = await store.inspect('bb:1');
    const archive = await save(store, ['bb:1', 'example.com/team/bb:v2'], 'docker');
    const files = await members(archive);
    const manifest = JSON.parse(files.get('manifest.json')?.toString() ?? '') as { Config: string; RepoTags: string[]; Layers: string[] }[];
    expect(manifest).toHaveLength(1);
    expect(manifest[0]?.RepoTags.sort()).toEqual(['bb:1', 'example.com/team/bb:v2']);
    expect(sha256(files.get(manifest[0]?.Config ?? '') ?? Buffer.alloc(0))).toBe(original.id);
    expect(sha256(files.get(manifest[0]?.Layers[0] ?? '') ?? Buffer.alloc(0))).toBe(original.layers[0]);
    expect(JSON.parse(files.get('repositories')?.toString() ?? '{}')).toHaveProperty('bb');

    const other = freshStore();
    const [loaded] = await other.load(Readable.from(archive));
    expect(loaded?.id).toBe(original.id);
    expect(loaded?.layers).toEqual(original.layers);
    expect(loaded?.repoTags.sort()).toEqual(['bb:1', 'example.com/team/bb:v2']);
    expect(loaded?.config.Cmd).toEqual(['sh']);
    expect(loaded?.size).toBe(original.size);
  });

  it('a repository named without a tag saves all its tags', async () => {
    await store.tag('bb:1', 'bb:extra');
    const files = await members(await save(store, ['bb'], 'docker'));
    const manifest = JSON.parse(files.get('manifest.json')?.toString() ?? '') as { RepoTags: string[] }[];
    expect(manifest[0]?.RepoTags.sort()).toEqual(['bb:1', 'bb:extra']);
    await store.remove('bb:extra');
  });

  it('OCI format: every blob byte for byte, names in index.json annotations', async () => {
    const original = await store.inspect('bb:1');
    const archive = await save(store, ['bb:1'], 'oci');
    const files = await members(archive);
    for (const [name, body] of files) {
      if (name.startsWith('blobs/sha256/')) expect(sha256(body)).toBe(`sha256:${name.slice('blobs/sha256/'.length)}`);
    }
    const index = JSON.parse(files.get('index.json')?.toString() ?? '') as { manifests: { digest: string; annotations: Record<string, string> }[] };
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0]?.annotations).toEqual({ 'io.containerd.image.name': 'docker.io/library/bb:1', 'org.opencontainers.image.ref.name': '1' });
    const other = freshStore();
    const [loaded] = await other.load(Readable.from(archive));
    expect(loaded?.id).toBe(original.id);
    expect(loaded?.repoTags).toEqual(['bb:1']);
    expect(loaded?.repoDigests).toEqual([`bb@${index.manifests[0]?.digest}`]);
    expect(original.repoDigests).toContain(`bb@${index.manifests[0]?.digest}`);
  });

  it('loads an OCI layout with gzip layers behind a nested index, and gzip-compressed archives', async () => {
    const layer = await tarOf([{ name: 'hello', content: 'world' }]);
    const { archive, manifestDigest, configDigest } = await ociArchive([layer], { 'org.opencontainers.image.ref.name': 'nested/app:3' }, { nested: true });
    const other = freshStore();
    const [loaded] = await other.load(Readable.from((await import('node:zlib')).gzipSync(archive)));
    expect(loaded?.id).toBe(configDigest);
    expect(loaded?.repoTags).toEqual(['nested/app:3']);
    expect((await other.inspect(`nested/app@${manifestDigest}`)).id).toBe(configDigest);
    const [dir = ''] = await other.layerDirs('nested/app:3');
    expect(readFileSync(path.join(dir, 'hello'), 'utf8')).toBe('world');
    // saved again in OCI format, the manifest digest is unchanged (bytes preserved)
    const files = await members(await save(other, ['nested/app:3'], 'oci'));
    expect(files.has(`blobs/sha256/${manifestDigest.slice(7)}`)).toBe(true);
  });

  it('follows the in-archive symlinks old docker save writes for shared layers', async () => {
    const layer = await tarOf([{ name: 'shared', content: 's' }]);
    const c1 = imageConfig([layer], ['one']);
    const c2 = imageConfig([layer], ['two']);
    const manifest = [
      { Config: 'c1.json', RepoTags: ['old/one:1'], Layers: ['aaa/layer.tar'] },
      { Config: 'c2.json', RepoTags: ['old/two:1'], Layers: ['bbb/layer.tar'] },
    ];
    const archive = await tarOf([
      { name: 'c1.json', content: c1 },
      { name: 'c2.json', content: c2 },
      { name: 'aaa/layer.tar', content: layer },
      { name: 'bbb/layer.tar', type: 'symlink', linkname: '../aaa/layer.tar' },
      { name: 'manifest.json', content: JSON.stringify(manifest) },
    ]);
    const other = freshStore();
    const loaded = await other.load(Readable.from(archive));
    expect(loaded.map((r) => r.repoTags[0])).toEqual(['old/one:1', 'old/two:1']);
    expect(loaded[0]?.layers).toEqual(loaded[1]?.layers);
    expect((await other.inspect('old/two:1')).config.Cmd).toEqual(['two']);
  });

  it('refuses archives that are not images or whose blobs lie', async () => {
    const other = freshStore();
    await expect(other.load(Readable.from(await tarOf([{ name: 'x', content: 'y' }])))).rejects.toThrow(/not an image archive/);
    await expect(other.load(Readable.from(Buffer.from('not a tar at all, no no no'.repeat(40))))).rejects.toMatchObject({ code: 'invalid' });
    const layer = await tarOf([{ name: 'a', content: 'a' }]);
    const { archive } = await ociArchive([layer], {});
    const files = await members(archive);
    const tampered = await tarOf(
      [...files].map(([name, body]) => ({ name, content: name.startsWith('blobs/') && body[0] === 0x1f && body[1] === 0x8b ? Buffer.concat([body, Buffer.from('x')]) : body })),
    );
    await expect(other.load(Readable.from(tampered))).rejects.toThrow(/does not match its digest/);
    // names in the archive or in manifest.json that climb out are refused, never opened
    const escapingMember = await tarOf([{ name: '../../escape', content: 'x' }, { name: 'manifest.json', content: '[]' }]);
    await expect(other.load(Readable.from(escapingMember))).rejects.toThrow(/outside the target/);
    const escapingManifest = await tarOf([{ name: 'manifest.json', content: JSON.stringify([{ Config: '../../../etc/passwd', RepoTags: [], Layers: [] }]) }]);
    await expect(other.load(Readable.from(escapingManifest))).rejects.toThrow(/outside the target/);
    const absoluteManifest = await tarOf([{ name: 'manifest.json', content: JSON.stringify([{ Config: '/etc/passwd', RepoTags: [], Layers: [] }]) }]);
    await expect(other.load(Readable.from(absoluteManifest))).rejects.toThrow(/"\/etc\/passwd" is missing/);
    expect(await other.list()).toEqual([]);
  });
});

describe('skopeo as a real peer', () => {
  it('reads the store as an OCI layout; berth loads the archives skopeo writes', async () => {
    const original = await store.inspect('bb:1');
    const dockerTar = path.join(root, 'skopeo-docker.tar');
    const ociTar = path.join(root, 'skopeo-oci.tar');
    execFileSync('skopeo', ['--insecure-policy', 'copy', '-q', `oci:${store.root}:1`, `docker-archive:${dockerTar}:skopeo/bb:d`]);
    execFileSync('skopeo', ['--insecure-policy', 'copy', '-q', `oci:${store.root}:1`, `oci-archive:${ociTar}:skopeo/bb:o`]);
    const other = freshStore();
    const [fromDocker] = await other.load(createReadStream(dockerTar));
    expect(fromDocker?.id).toBe(original.id);
    expect(fromDocker?.repoTags).toEqual(['skopeo/bb:d']);
    const [fromOci] = await other.load(createReadStream(ociTar));
    expect(fromOci?.layers).toEqual(original.layers);
    expect(fromOci?.repoTags).toContain('skopeo/bb:o');
  });

  it('skopeo reads the archives berth saves', async () => {
    const original = await store.inspect('bb:1');
    for (const format of ['docker', 'oci'] as const) {
      const file = path.join(root, `berth-${format}.tar`);
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, await save(store, ['bb:1'], format));
      const transport = format === 'docker' ? 'docker-archive' : 'oci-archive';
      const info = JSON.parse(execFileSync('skopeo', ['inspect', '--config', `${transport}:${file}`], { encoding: 'utf8' })) as { rootfs: { diff_ids: string[] } };
      expect(info.rootfs.diff_ids).toEqual(original.layers);
    }
  });
});
