import { execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageStore } from '../../../src/engine/images/image-store.js';
import { useLeakCheck } from '../../support/leaks.js';
import { dockerArchive, tarOf } from './archives.js';

useLeakCheck();

let root: string;
let host: string; // a directory standing for "the host": hostile layers aim at it
let store: ImageStore;
const containers: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'berth-img-layers-'));
  host = path.join(root, 'host');
  execFileSync('mkdir', ['-p', host]);
  writeFileSync(path.join(host, 'secret'), 'original\n');
  store = new ImageStore(path.join(root, 'images'));
});

afterAll(async () => {
  for (const dir of containers) await store.unmountRootfs(dir);
  await rm(root, { recursive: true, force: true });
});

const load = async (layers: Buffer[], tag: string) => store.load(Readable.from(await dockerArchive(layers, [tag])));

function hostUntouched(): void {
  expect(readdirSync(host).sort()).toEqual(['secret']);
  expect(readFileSync(path.join(host, 'secret'), 'utf8')).toBe('original\n');
}

function noHalfLayers(): void {
  expect(readdirSync(path.join(store.root, 'layers')).filter((n) => n.startsWith('.tmp'))).toEqual([]);
}

describe('layers: whiteouts, opaque directories, metadata', () => {
  it('a whiteout and an opaque dir give the right merged view', async () => {
    const bottom = await tarOf([
      { name: 'etc/', type: 'directory', mode: 0o750, uid: 5, gid: 6 },
      { name: 'etc/a', content: 'a' },
      { name: 'etc/b', content: 'b' },
      { name: 'var/cache/', type: 'directory' },
      { name: 'var/cache/x', content: 'x' },
      { name: 'var/cache/y', content: 'y' },
      { name: 'keep/f', content: 'f' },
    ]);
    const top = await tarOf([
      { name: 'etc/.wh.a', content: '' },
      { name: 'etc/c', content: 'c' },
      { name: 'var/cache/', type: 'directory' },
      { name: 'var/cache/.wh..wh..opq', content: '' },
      { name: 'var/cache/z', content: 'z' },
    ]);
    const [image] = await load([bottom, top], 'wh:1');
    expect(image?.layers).toHaveLength(2);
    const [topDir = ''] = await store.layerDirs('wh:1');
    // the overlay forms in the unpacked top layer
    const whiteout = lstatSync(path.join(topDir, 'etc/a'));
    expect(whiteout.isCharacterDevice() && whiteout.rdev === 0).toBe(true);
    expect(execFileSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', path.join(topDir, 'var/cache')], { encoding: 'utf8' })).toBe('y');
    const dir = path.join(root, 'c-wh');
    containers.push(dir);
    const rootfs = await store.mountRootfs('wh:1', dir);
    expect(readdirSync(path.join(rootfs, 'etc')).sort()).toEqual(['b', 'c']);
    // the top layer names etc/ only implicitly: the merged dir keeps the lower one's owner and mode
    const etc = statSync(path.join(rootfs, 'etc'));
    expect([etc.mode & 0o7777, etc.uid, etc.gid]).toEqual([0o750, 5, 6]);
    expect(readdirSync(path.join(rootfs, 'var/cache'))).toEqual(['z']);
    expect(readFileSync(path.join(rootfs, 'keep/f'), 'utf8')).toBe('f');
    await store.unmountRootfs(dir);
  });

  it('keeps modes, owners, mtimes, symlinks, hard links and special files', async () => {
    const mtime = new Date('2020-05-06T07:08:09Z');
    const layer = await tarOf([
      { name: 'bin/', type: 'directory', mode: 0o711, uid: 7, gid: 8, mtime },
      { name: 'bin/tool', content: '#!/bin/sh\n', mode: 0o4755, uid: 1000, gid: 1000, mtime },
      { name: 'bin/alias', type: 'symlink', linkname: 'tool' },
      { name: 'bin/hard', type: 'link', linkname: 'bin/tool' },
      { name: 'dev/null', type: 'character-device', mode: 0o666 },
      { name: 'run/fifo', type: 'fifo', mode: 0o600 },
      { name: 'out', type: 'symlink', linkname: '/etc/passwd' },
    ]);
    await load([layer], 'meta:1');
    const [dir = ''] = await store.layerDirs('meta:1');
    const tool = statSync(path.join(dir, 'bin/tool'));
    expect(tool.mode & 0o7777).toBe(0o4755);
    expect([tool.uid, tool.gid]).toEqual([1000, 1000]);
    expect(tool.mtime.getTime()).toBe(mtime.getTime());
    const bin = statSync(path.join(dir, 'bin'));
    expect([bin.mode & 0o7777, bin.uid, bin.gid, bin.mtime.getTime()]).toEqual([0o711, 7, 8, mtime.getTime()]);
    expect(readlinkSync(path.join(dir, 'bin/alias'))).toBe('tool');
    expect(statSync(path.join(dir, 'bin/hard')).ino).toBe(tool.ino);
    expect(lstatSync(path.join(dir, 'run/fifo')).isFIFO()).toBe(true);
    expect(lstatSync(path.join(dir, 'dev/null')).isCharacterDevice()).toBe(true);
    expect(readlinkSync(path.join(dir, 'out'))).toBe('/etc/passwd'); // kept as a link, never followed
  });
});

describe('hostile layers leave the host untouched', () => {
  it('refuses path traversal with ..', async () => {
    const depth = '../'.repeat(12);
    const evil = await tarOf([{ name: `${depth}${host.slice(1)}/pwned`, content: 'x' }]);
    await expect(load([evil], 'evil:1')).rejects.toMatchObject({ code: 'invalid' });
    hostUntouched();
    noHalfLayers();
    await expect(store.inspect('evil:1')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('confines absolute names to the layer', async () => {
    const abs = await tarOf([{ name: `${host}/pwned`, content: 'x' }]);
    await load([abs], 'abs:1');
    hostUntouched();
    const [dir = ''] = await store.layerDirs('abs:1');
    expect(readFileSync(path.join(dir, host, 'pwned'), 'utf8')).toBe('x');
  });

  it('refuses writing through a symlink in the same layer', async () => {
    const evil = await tarOf([
      { name: 'escape', type: 'symlink', linkname: host },
      { name: 'escape/pwned', content: 'x' },
    ]);
    await expect(load([evil], 'evil:2')).rejects.toThrow(/through the symlink "escape"/);
    hostUntouched();
    noHalfLayers();
  });

  it('refuses writing through a symlink of a lower layer', async () => {
    const lower = await tarOf([{ name: 'escape', type: 'symlink', linkname: host }]);
    const upper = await tarOf([{ name: 'escape/pwned', content: 'x' }]);
    await expect(load([lower, upper], 'evil:3')).rejects.toThrow(/symlink "escape" of a lower layer/);
    hostUntouched();
    noHalfLayers();
  });

  it('refuses hard links to targets outside the layer', async () => {
    for (const linkname of [`${'../'.repeat(12)}${host.slice(1)}/secret`, `${host}/secret`, 'missing']) {
      const evil = await tarOf([{ name: 'hl', type: 'link', linkname }]);
      await expect(load([evil], 'evil:4')).rejects.toMatchObject({ code: 'invalid' });
    }
    const viaSymlink = await tarOf([
      { name: 'dir', type: 'symlink', linkname: host },
      { name: 'hl', type: 'link', linkname: 'dir/secret' },
    ]);
    await expect(load([viaSymlink], 'evil:5')).rejects.toMatchObject({ code: 'invalid' });
    hostUntouched();
    noHalfLayers();
  });

  it('replaces a symlink or hard link before writing a file of the same name', async () => {
    const layer = await tarOf([
      { name: 's', type: 'symlink', linkname: `${host}/secret` },
      { name: 'h', type: 'link', linkname: 's' },
      { name: 's', content: 'replaced s' },
      { name: 'h', content: 'replaced h' },
    ]);
    await load([layer], 'relink:1');
    hostUntouched();
    const [dir = ''] = await store.layerDirs('relink:1');
    expect(readFileSync(path.join(dir, 's'), 'utf8')).toBe('replaced s');
    expect(readFileSync(path.join(dir, 'h'), 'utf8')).toBe('replaced h');
  });

  it('refuses a layer whose content does not match its diff ID', async () => {
    const real = await tarOf([{ name: 'a', content: 'a' }]);
    const archive = await dockerArchive([real], ['lie:1'], Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`] } })));
    await expect(store.load(Readable.from(archive))).rejects.toThrow(/diff ID/);
    expect(existsSync(path.join(store.root, 'layers', '0'.repeat(64)))).toBe(false);
    noHalfLayers();
  });
});

describe('deep images', () => {
  it('mounts an image with more layers than absolute paths fit in the mount options', async () => {
    const layers = await Promise.all(Array.from({ length: 60 }, (_, i) => tarOf([{ name: `l${i}`, content: String(i) }])));
    await load(layers, 'deep:1');
    expect((await store.layerDirs('deep:1')).join(':').length).toBeGreaterThan(4000);
    const dir = path.join(root, 'c-deep');
    containers.push(dir);
    const rootfs = await store.mountRootfs('deep:1', dir);
    expect(readdirSync(rootfs)).toHaveLength(60);
    expect(readFileSync(path.join(rootfs, 'l59'), 'utf8')).toBe('59');
    await store.unmountRootfs(dir);
  });

  it('refuses zstd layers with a clear error', async () => {
    const zstdLike = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(60)]);
    const archive = await dockerArchive([zstdLike], ['z:1'], Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${'1'.repeat(64)}`] } })));
    await expect(store.load(Readable.from(archive))).rejects.toThrow(/zstd/);
  });
});

describe('unmounting rootfs', () => {
  it('unmounts many at once (batched), a busy one lazily, and each caller sees its own done', async () => {
    await load([await tarOf([{ name: 'f', content: 'f' }])], 'um:1');
    const dirs = Array.from({ length: 6 }, (_, i) => path.join(root, `c-um${i}`));
    containers.push(...dirs);
    for (const d of dirs) await store.mountRootfs('um:1', d);
    // a process whose cwd is inside one rootfs keeps it busy
    const holder = spawn('sleep', ['30'], { cwd: path.join(dirs[2] ?? '', 'rootfs'), stdio: 'ignore' });
    try {
      await Promise.all(dirs.map((d) => store.unmountRootfs(d)));
      const mounted = readFileSync('/proc/self/mountinfo', 'utf8');
      for (const d of dirs) expect(mounted).not.toContain(path.join(d, 'rootfs'));
    } finally {
      holder.kill('SIGKILL');
    }
    // once more on an unmounted one: nothing to do, no error
    await store.unmountRootfs(dirs[0] ?? '');
  });
});

describe('mounting rootfs', () => {
  it('two mounts of one container at once make one overlay (the second waits for the first)', async () => {
    await load([await tarOf([{ name: 'f', content: 'f' }])], 'twice:1');
    const dir = path.join(root, 'c-twice');
    containers.push(dir);
    const [a, b] = await Promise.all([store.mountRootfs('twice:1', dir), store.mountRootfs('twice:1', dir)]);
    expect(a).toBe(b);
    const target = path.join(dir, 'rootfs');
    expect(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === target)).toHaveLength(1);
    expect(readFileSync(path.join(target, 'f'), 'utf8')).toBe('f');
    await store.unmountRootfs(dir);
  });
});

describe('extended attributes', () => {
  it('restores xattrs as GNU tar --xattrs writes them: binary file capabilities after the chown, text ones, on dirs too; never overlay ones', async () => {
    const src = path.join(root, 'xattr-src');
    execFileSync('mkdir', ['-p', path.join(src, 'bin'), path.join(src, 'data')]);
    writeFileSync(path.join(src, 'bin', 'ping'), 'not really ping\n');
    execFileSync('chown', ['1000:1000', path.join(src, 'bin', 'ping')]);
    // cap_net_raw+ep (VFS_CAP_REVISION_2): bytes >= 0x80 appear nowhere, 0x20 and NULs do
    const cap = '0x0100000200200000000000000000000000000000';
    execFileSync('setfattr', ['-n', 'security.capability', '-v', cap, path.join(src, 'bin', 'ping')]);
    // a binary value that is not UTF-8 (0xff 0xfe 0x80), and a text one on a directory
    execFileSync('setfattr', ['-n', 'user.blob', '-v', '0xfffe8000', path.join(src, 'bin', 'ping')]);
    execFileSync('setfattr', ['-n', 'user.note', '-v', 'hello world', path.join(src, 'data')]);
    execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', path.join(src, 'data')]);
    const layer = execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-cf', '-', '-C', src, 'bin', 'data'], { maxBuffer: 1 << 24 });
    await load([layer], 'xa:1');
    const [dir = ''] = await store.layerDirs('xa:1');
    const hex = (file: string, name: string): string =>
      /=(0x[0-9a-f]+)/.exec(execFileSync('getfattr', ['-e', 'hex', '-n', name, path.join(dir, file)], { encoding: 'utf8' }))?.[1] ?? '';
    expect(hex('bin/ping', 'security.capability')).toBe(cap);
    expect(statSync(path.join(dir, 'bin', 'ping')).uid).toBe(1000);
    expect(hex('bin/ping', 'user.blob')).toBe('0xfffe8000');
    expect(execFileSync('getfattr', ['--only-values', '-n', 'user.note', path.join(dir, 'data')], { encoding: 'utf8' })).toBe('hello world');
    expect(execFileSync('getfattr', ['-d', '-m', 'trusted.overlay', path.join(dir, 'data')], { encoding: 'utf8' })).toBe('');
  });
});
