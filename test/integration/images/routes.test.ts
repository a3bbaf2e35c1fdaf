import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineClient, readAll } from '../../../src/client/engine-client.js';
import { ImagesClient } from '../../../src/client/images.js';
import { Router } from '../../../src/daemon/router.js';
import { registerImageRoutes } from '../../../src/daemon/routes/images.js';
import { ImageStore } from '../../../src/engine/images/image-store.js';
import { busyboxTarball } from '../../support/busybox-rootfs.js';
import { useLeakCheck } from '../../support/leaks.js';
import { dockerArchive, sha256, tarOf } from './archives.js';

useLeakCheck();

let root: string;
let server: http.Server;
let engine: EngineClient;
let images: ImagesClient;
const used = new Set<string>();

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'berth-img-routes-'));
  const store = new ImageStore(path.join(root, 'images'));
  const router = new Router();
  registerImageRoutes(router, store, { inUse: (id) => used.has(id) });
  server = http.createServer((req, res) => void router.handle(req, res));
  const socket = path.join(root, 'engine.sock');
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  engine = new EngineClient(socket);
  images = new ImagesClient(engine);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

async function tarNames(stream: Readable): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      files.set(entry.header.name, Buffer.concat(chunks));
    }
  })();
  extract.end(await readAll(stream));
  await done;
  return files;
}

describe('image routes over a UNIX socket', () => {
  let id = '';

  it('POST /images/create?fromSrc=- imports the body and answers a JSON progress line', async () => {
    id = await images.import(createReadStream(busyboxTarball()), { ref: 'bb:1', changes: ['CMD ["sh"]', 'ENV A=b'], message: 'imported' });
    expect(id).toMatch(/^sha256:[a-f0-9]{64}$/);
    const raw = await engine.stream('POST', '/images/create', { query: { fromSrc: '-', repo: 'raw' }, rawBody: createReadStream(busyboxTarball()) });
    expect(raw.headers['content-type']).toContain('application/json');
    // same content, same config except the creation time: a JSON line naming the new image
    expect(JSON.parse((await readAll(raw)).toString())).toEqual({ status: expect.stringMatching(/^sha256:[a-f0-9]{64}$/) as string });
  });

  it('GET /images/json has Docker\'s list shape', async () => {
    const list = await images.list({ filters: { reference: ['bb'] } });
    expect(list).toHaveLength(1);
    const [item] = list;
    expect(item).toMatchObject({ Id: id, RepoTags: ['bb:1'], ParentId: '', SharedSize: -1, Containers: -1 });
    expect(item?.RepoDigests[0]).toMatch(/^bb@sha256:/);
    expect(typeof item?.Created).toBe('number');
    expect(Math.abs((item?.Created ?? 0) - Date.now() / 1000)).toBeLessThan(3600);
    expect(item?.Size).toBeGreaterThan(1_000_000);
    expect(item?.VirtualSize).toBe(item?.Size);
    expect(await images.list({ filters: { before: ['bb:1'] } })).toEqual([]);
    expect((await images.list({ filters: { since: ['bb:1'] } })).map((i) => i.Id)).not.toContain(id);
    await expect(images.list({ filters: { bogus: ['x'] } })).rejects.toMatchObject({ code: 'invalid' });
    const dangling = await images.list({ filters: { dangling: ['true'] } });
    expect(dangling.every((i) => i.RepoTags[0] === '<none>:<none>')).toBe(true);
  });

  it('GET /images/{name}/json has Docker\'s inspect shape, for names with slashes too', async () => {
    const info = await images.inspect('bb:1');
    expect(info).toMatchObject({
      Id: id,
      RepoTags: ['bb:1'],
      Comment: 'imported',
      Architecture: 'amd64',
      Os: 'linux',
      Config: { Cmd: ['sh'], Env: ['A=b'] },
      RootFS: { Type: 'layers' },
      GraphDriver: { Name: 'overlay2' },
    });
    expect(info.RootFS.Layers).toHaveLength(1);
    expect(Date.parse(info.Created)).toBeGreaterThan(0);
    // What the image does not set shows as dockerd shows it (compared with dockerd 20.10 here).
    expect(info.Config).toMatchObject({ Entrypoint: null, Volumes: null, Labels: null, OnBuild: null, WorkingDir: '', User: '', Tty: false });
    expect(Object.keys(info.ContainerConfig).sort()).toEqual(['AttachStderr', 'AttachStdin', 'AttachStdout', 'Cmd', 'Domainname', 'Entrypoint', 'Env', 'Hostname', 'Image', 'Labels', 'OnBuild', 'OpenStdin', 'StdinOnce', 'Tty', 'User', 'Volumes', 'WorkingDir']);
    await images.tag('bb:1', 'localhost:5000/team/bb:2');
    expect((await images.inspect('localhost:5000/team/bb:2')).Id).toBe(id);
    expect((await images.inspect(id.slice(7, 11))).Id).toBe(id);
  });

  it('maps errors to Docker statuses', async () => {
    await expect(images.inspect('nope:1')).rejects.toMatchObject({ code: 'not_found', detail: { status: 404 } });
    await expect(images.inspect('Bad Name')).rejects.toMatchObject({ code: 'invalid', detail: { status: 400 } });
    await expect(images.tag('nope', 'x:1')).rejects.toMatchObject({ code: 'not_found' });
    await expect(engine.request('POST', `/images/bb:1/tag`)).rejects.toMatchObject({ code: 'invalid' });
    await expect(engine.request('POST', '/images/create', { query: { fromSrc: 'http://example.com/x.tar' } })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('POST /images/{name}/tag answers 201', async () => {
    const res = await engine.stream('POST', '/images/bb:1/tag', { query: { repo: 'other', tag: 't' } });
    expect(res.statusCode).toBe(201);
    await readAll(res);
  });

  it('POST /images/load answers "Loaded image" lines', async () => {
    const layer = await tarOf([{ name: 'x', content: 'y' }]);
    const messages = await images.load(Readable.from(await dockerArchive([layer], ['loaded/app:1'])));
    expect(messages).toEqual(['Loaded image: loaded/app:1']);
    const other = await tarOf([{ name: 'z', content: 'z' }]);
    const untagged = await images.load(Readable.from(await dockerArchive([other], null)));
    expect(untagged[0]).toMatch(/^Loaded image ID: sha256:/);
  });

  it('GET /images/{name}/get and /images/get stream archives', async () => {
    const one = await tarNames(await images.save(['bb:1']));
    const manifest = JSON.parse(one.get('manifest.json')?.toString() ?? '') as { Config: string }[];
    expect(sha256(one.get(manifest[0]?.Config ?? '') ?? '')).toBe(id);
    const oci = await tarNames(await images.save(['bb:1', 'loaded/app:1'], 'oci'));
    expect(oci.has('oci-layout')).toBe(true);
    const index = JSON.parse(oci.get('index.json')?.toString() ?? '') as { manifests: unknown[] };
    expect(index.manifests).toHaveLength(2);
    await expect(images.save(['missing:1'])).rejects.toMatchObject({ code: 'not_found' });
    await expect(images.save(['bb:1', 'missing:1'], 'oci')).rejects.toMatchObject({ code: 'not_found' });
    const repo = await tarNames(await images.save(['bb']));
    expect(JSON.parse(repo.get('manifest.json')?.toString() ?? '')).toMatchObject([{ RepoTags: ['bb:1'] }]);
  });

  it('DELETE /images/{name}: untag, conflict when in use, delete', async () => {
    expect(await images.remove('other:t')).toEqual([{ Untagged: 'other:t' }]);
    await expect(images.remove(id)).rejects.toMatchObject({ code: 'conflict', detail: { status: 409 } });
    used.add(id);
    await images.remove('localhost:5000/team/bb:2');
    await expect(images.remove('bb:1')).rejects.toMatchObject({ code: 'conflict' });
    used.delete(id);
    const answer = await images.remove('bb:1');
    expect(answer).toEqual([{ Untagged: 'bb:1' }, { Deleted: id }]);
    await expect(images.inspect(id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
