import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeBundle, writeBundle } from '../../../src/runtime/bundle.js';
import { buildSpec } from '../../../src/runtime/spec.js';
import { useLeakCheck } from '../../support/leaks.js';

useLeakCheck();

describe('bundle', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'berth-bundle-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const spec = buildSpec({ id: 'b1', rootfs: '/rootfs', args: ['/bin/true'], env: [], cwd: '/', user: { uid: 0, gid: 0 }, mounts: [], network: { kind: 'new' }, cgroupsPath: '/berth/b1' });

  it('writes config.json atomically, leaving no temp file', async () => {
    const bundle = path.join(dir, 'b1');
    await writeBundle(bundle, spec);
    await writeBundle(bundle, { ...spec, hostname: 'again' });
    expect(readdirSync(bundle)).toEqual(['config.json']);
    expect(JSON.parse(readFileSync(path.join(bundle, 'config.json'), 'utf8'))).toEqual({ ...spec, hostname: 'again' });
  });

  it('refuses to remove a bundle with something still mounted inside, removes it once unmounted', async () => {
    const bundle = path.join(dir, 'b2');
    await writeBundle(bundle, spec);
    const rootfs = path.join(bundle, 'rootfs');
    await mkdir(rootfs);
    execFileSync('mount', ['-t', 'tmpfs', 'berth-bundle-test', rootfs]);
    try {
      await expect(removeBundle(bundle)).rejects.toMatchObject({ code: 'conflict' });
      expect(existsSync(path.join(bundle, 'config.json'))).toBe(true);
    } finally {
      execFileSync('umount', [rootfs]);
    }
    await removeBundle(bundle);
    expect(existsSync(bundle)).toBe(false);
  });
});
