import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { busyboxTarball } from '../../support/busybox-rootfs.js';
import { useLeakCheck } from '../../support/leaks.js';
import { useImageEngine } from './image-engine.js';

// The docker CLI, a client nobody here wrote, against the image routes.

useLeakCheck();

const run = promisify(execFile);
// Every docker CLI on the machine (Debian's 20.10 speaks API 1.41; a newer one negotiates down).
const DOCKERS = ['/usr/local/bin/docker', '/usr/bin/docker'].filter((p) => existsSync(p));

const engine = useImageEngine('docker', { ping: true });

async function dockerWith(bin: string, ...args: string[]): Promise<{ out: string; err: string; code: number }> {
  try {
    const { stdout, stderr } = await run(bin, ['-H', `unix://${engine.socket}`, ...args], { env: { ...process.env, DOCKER_CONFIG: engine.root } });
    return { out: stdout, err: stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { out: e.stdout ?? '', err: e.stderr ?? '', code: e.code ?? 1 };
  }
}

describe.each(DOCKERS)('the docker CLI (%s) against the image routes', (bin) => {
  const docker = (...args: string[]) => dockerWith(bin, ...args);
  let id = '';

  it('docker import, images, inspect, tag', async () => {
    const imported = await docker('import', '--change', 'CMD ["sh"]', '-m', 'via docker', busyboxTarball(), 'dk/bb:1');
    expect(imported.err).toBe('');
    id = imported.out.trim();
    expect(id).toMatch(/^sha256:[a-f0-9]{64}$/);
    const images = await docker('images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}');
    expect(images.out).toMatch(new RegExp(`^dk/bb:1 ${id.slice(7, 19)} 2\\.\\d+MB\\n$`));
    expect((await docker('image', 'inspect', '--format', '{{json .Config.Cmd}} {{.Comment}} {{.Os}}', 'dk/bb:1')).out).toBe('["sh"] via docker linux\n');
    const history = await docker('history', '--format', '{{.ID}} {{.Size}} {{.Comment}}', 'dk/bb:1');
    expect(history.out).toMatch(new RegExp(`^${id.slice(7, 19)} 2\\.\\d+MB via docker\\n$`));
    expect((await docker('tag', 'dk/bb:1', 'dk/bb:2')).code).toBe(0);
    expect((await docker('images', '-q', 'dk/bb')).out.trim().split('\n')).toEqual([id.slice(7, 19), id.slice(7, 19)]);
  });

  it('docker save, rmi, load', async () => {
    const file = path.join(engine.root, 'dk.tar');
    expect((await docker('save', '-o', file, 'dk/bb:1')).code).toBe(0);
    const removed = await docker('rmi', 'dk/bb:1', 'dk/bb:2');
    expect(removed.out).toBe(`Untagged: dk/bb:1\nUntagged: dk/bb:2\nDeleted: ${id}\n`);
    expect((await docker('load', '-i', file)).out).toBe('Loaded image: dk/bb:1\n');
    expect((await docker('image', 'inspect', '--format', '{{.Id}}', 'dk/bb:1')).out).toBe(`${id}\n`);
  });

  it('docker load of an OCI layout archive', async () => {
    const file = path.join(engine.root, 'dk-oci.tar');
    await run('skopeo', ['--insecure-policy', 'copy', '-q', `oci:${path.join(engine.root, 'images')}:1`, `oci-archive:${file}:dk/oci:1`]);
    expect((await docker('load', '-i', file)).out).toBe('Loaded image: dk/oci:1\n');
  });

  it('errors read as Docker\'s', async () => {
    const missing = await docker('rmi', 'nope:1');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/No such image: nope:1/);
    const prune = await docker('image', 'prune', '-a', '-f');
    expect(prune.out).toMatch(/deleted: sha256:/);
  });
});
