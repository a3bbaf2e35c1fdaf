import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { busyboxTarball } from '../../support/busybox-rootfs.js';
import { useLeakCheck } from '../../support/leaks.js';
import { useImageEngine } from './image-engine.js';
import { pythonWithDockerPy } from '../../support/python.js';

// docker-py (what docker-compose 1.x speaks) against the image routes.

useLeakCheck();

const run = promisify(execFile);
const python = pythonWithDockerPy();
const hasDockerPy = python !== undefined;

const engine = useImageEngine('dockerpy');

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
    const { stdout } = await run(python ?? 'python3', ['-c', SCRIPT, engine.socket, busyboxTarball()]);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.import).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(out).toMatchObject({ tags: ['py/bb:1'], cmd: ['sh'], listed: ['py/bb:1', 'py/bb:2'], gone: true, loaded: [['py/bb:1']], id: out.import });
  });
});
