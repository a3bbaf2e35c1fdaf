import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../../src/daemon/router.js';
import { registerImageRoutes } from '../../../src/daemon/routes/images.js';
import { ImageStore } from '../../../src/engine/images/image-store.js';
import { busyboxTarball } from '../../support/busybox-rootfs.js';
import { useLeakCheck } from '../../support/leaks.js';
import { pythonWithDockerPy } from '../../support/python.js';

// docker-py (what docker-compose 1.x speaks) against the image routes.

useLeakCheck();

const run = promisify(execFile);
const python = pythonWithDockerPy();
const hasDockerPy = python !== undefined;

let root: string;
let server: http.Server;
let socket: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'berth-img-dockerpy-'));
  const router = new Router();
  registerImageRoutes(router, new ImageStore(path.join(root, 'images')));
  server = http.createServer((req, res) => void router.handle(req, res));
  socket = path.join(root, 'engine.sock');
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

const SCRIPT = `
import json, sys, docker
c = docker.DockerClient(base_url="unix://" + sys.argv[1], version="1.41")
out = {}
r = c.api.import_image(src=sys.argv[2], repository="py/bb", tag="1", changes=['CMD ["sh"]'])
out["import"] = json.loads(r.strip().splitlines()[-1])["status"]
img = c.images.get("py/bb:1")
out["tags"] = img.tags
out["cmd"] = img.attrs["Config"]["Cmd"]
img.tag("py/bb", "2")
out["listed"] = sorted(t for i in c.images.list() for t in i.tags)
data = b"".join(img.save(named=True))
c.images.remove("py/bb:1")
c.images.remove("py/bb:2")
try:
    c.images.get("py/bb:1")
    out["gone"] = False
except docker.errors.ImageNotFound:
    out["gone"] = True
loaded = c.images.load(data)
out["loaded"] = [i.tags for i in loaded]
out["id"] = loaded[0].id
print(json.dumps(out))
`;

describe.skipIf(!hasDockerPy)('docker-py against the image routes', () => {
  it('imports, inspects, tags, lists, saves, removes and loads', async () => {
    const { stdout } = await run(python ?? 'python3', ['-c', SCRIPT, socket, busyboxTarball()]);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.import).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(out).toMatchObject({ tags: ['py/bb:1'], cmd: ['sh'], listed: ['py/bb:1', 'py/bb:2'], gone: true, loaded: [['py/bb:1']], id: out.import });
  });
});
