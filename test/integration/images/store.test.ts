import { createReadStream, existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageStore } from '../../../src/engine/images/image-store.js';
import { isMountPoint } from '../../../src/engine/images/overlay-mount.js';
import { busyboxTarball } from '../../support/busybox-rootfs.js';
import { useLeakCheck } from '../../support/leaks.js';

useLeakCheck();

let root: string;
let store: ImageStore;
const containers: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'berth-img-store-'));
  store = new ImageStore(path.join(root, 'images'));
});

afterAll(async () => {
  for (const dir of containers) await store.unmountRootfs(dir);
  await rm(root, { recursive: true, force: true });
});

describe('image store: import, inspect, mount', () => {
  it('imports the busybox rootfs as a one-layer image with the changes applied', async () => {
    const record = await store.importRootfs(createReadStream(busyboxTarball()), {
      ref: 'bb:1',
      changes: ['CMD ["sh"]', 'ENV A=1 B="two words"', 'WORKDIR /www', 'EXPOSE 80', 'LABEL x=y'],
      message: 'from test',
    });
    expect(record.id).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(record.repoTags).toEqual(['bb:1']);
    expect(record.layers).toHaveLength(1);
    expect(record.config.Cmd).toEqual(['sh']);
    expect(record.config.Env).toEqual(['A=1', 'B=two words']);
    expect(record.config.WorkingDir).toBe('/www');
    expect(record.config.ExposedPorts).toEqual({ '80/tcp': {} });
    expect(record.comment).toBe('from test');
    expect(record.size).toBe(readFileSync(busyboxTarball()).length);
    // OCI layout on disk
    expect(JSON.parse(readFileSync(path.join(store.root, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(readFileSync(path.join(store.root, 'index.json'), 'utf8')) as { manifests: { annotations?: Record<string, string> }[] };
    expect(index.manifests[0]?.annotations?.['io.containerd.image.name']).toBe('docker.io/library/bb:1');
    // the layer's diff ID is the sha256 of the tarball, unpacked once
    const layerDir = (await store.layerDirs(record.id))[0] ?? '';
    expect(readFileSync(path.join(layerDir, 'www/index.html'), 'utf8')).toBe('busybox rootfs\n');
    expect(lstatSync(path.join(layerDir, 'bin/sh')).isSymbolicLink()).toBe(true);
  });

  it('finds the image by name, normalized name, full ID, short ID and digest', async () => {
    const record = await store.inspect('bb:1');
    const hex = record.id.slice('sha256:'.length);
    for (const ref of ['docker.io/library/bb:1', record.id, hex, hex.slice(0, 12), hex.slice(0, 4), `sha256:${hex.slice(0, 8)}`, record.repoDigests[0] ?? '']) {
      expect((await store.inspect(ref)).id).toBe(record.id);
    }
    await expect(store.inspect('bb:2')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('re-importing the same tarball reuses the unpacked layer', async () => {
    const again = await store.importRootfs(createReadStream(busyboxTarball()), { ref: 'bb:again' });
    expect(readdirSync(path.join(store.root, 'layers')).filter((n) => !n.startsWith('.'))).toHaveLength(1);
    expect(again.layers).toEqual((await store.inspect('bb:1')).layers);
  });

  it('mounts an overlay root: writes land in the upper dir, the layer stays untouched', async () => {
    const dir = path.join(root, 'c1');
    containers.push(dir);
    const rootfs = await store.mountRootfs('bb:1', dir);
    expect(rootfs).toBe(path.join(dir, 'rootfs'));
    expect(await isMountPoint(rootfs)).toBe(true);
    expect(await store.mountRootfs('bb:1', dir)).toBe(rootfs); // idempotent
    expect(readFileSync(path.join(rootfs, 'etc/hostname'), 'utf8')).toBe('bb\n');
    writeFileSync(path.join(rootfs, 'etc/hostname'), 'changed\n');
    writeFileSync(path.join(rootfs, 'new-file'), 'x');
    const layerDir = (await store.layerDirs('bb:1'))[0] ?? '';
    expect(readFileSync(path.join(layerDir, 'etc/hostname'), 'utf8')).toBe('bb\n');
    expect(readFileSync(path.join(dir, 'upper/etc/hostname'), 'utf8')).toBe('changed\n');
    expect(existsSync(path.join(dir, 'upper/new-file'))).toBe(true);
    await store.unmountRootfs(dir);
    expect(await isMountPoint(rootfs)).toBe(false);
    await store.unmountRootfs(dir); // idempotent
  });

  it('unpacks a layer again from its blob when its directory has gone missing', async () => {
    const [layerDir = ''] = await store.layerDirs('bb:1');
    await rm(layerDir, { recursive: true });
    const dir = path.join(root, 'c2');
    containers.push(dir);
    const rootfs = await store.mountRootfs('bb:1', dir);
    expect(readFileSync(path.join(rootfs, 'www/index.html'), 'utf8')).toBe('busybox rootfs\n');
    await store.unmountRootfs(dir);
  });
});
