import { describe, expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { dockerdSkipReason, freePort, useDockerd } from './support/private-dockerd.js';

// berth's single-container and engine commands against a real dockerd, with the engine
// named by -H (the compose file uses DOCKER_HOST). The private dockerd has no default
// bridge (--bridge=none), so containers that need a network get a user network.

const skip = dockerdSkipReason();

useLeakCheck();

describe.skipIf(skip !== undefined)(`berth's engine commands against a private dockerd${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const d = useDockerd();
  const berth = (...args: string[]) => d.berth(['-H', d.dockerd.host, ...args]);

  test('images lists what berth import loaded into dockerd', async () => {
    const images = await berth('images');
    expect(images.code, images.stderr).toBe(0);
    expect(images.stdout).toMatch(/^bb +latest +[0-9a-f]{12} /m);
    const inspect = await berth('image', 'inspect', '--format', '{{.Id}}', 'bb:latest');
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(inspect.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  });

  test('container run --rm prints the output, returns the exit code and leaves no container', async () => {
    const r = await berth('container', 'run', '--rm', 'bb:latest', 'sh', '-c', 'echo hello from $(hostname); exit 4');
    expect(r.code, r.stderr).toBe(4);
    expect(r.stdout).toMatch(/^hello from [0-9a-f]{12}\n$/);
    const all = await d.engine.request<unknown[]>('GET', '/containers/json', { query: { all: 1 } });
    expect(all).toEqual([]);
  });

  test('container run -d on a user network with a volume and a published port: ps, logs, exec, inspect, rm -f', async () => {
    expect((await berth('network', 'create', 'lab')).code).toBe(0);
    expect((await berth('volume', 'create', 'labdata')).code).toBe(0);
    const port = await freePort();
    const run = await berth('container', 'run', '-d', '--name', 'lab1', '--network', 'lab', '--network-alias', 'bench', '-v', 'labdata:/data', '-p', `127.0.0.1:${port}:80`,
      'bb:latest', 'sh', '-c', 'echo up; exec httpd -f -p 80 -h /www');
    expect(run.code, run.stderr).toBe(0);
    const id = run.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);

    const ps = await berth('container', 'ps');
    expect(ps.stdout).toMatch(new RegExp(`^${id.slice(0, 12)} +bb:latest .* lab1\\n`, 'm'));
    const logs = await berth('container', 'logs', 'lab1');
    expect(logs.stdout).toBe('up\n');
    // The host reaches it on the published port; a second container by its alias.
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('busybox rootfs\n');
    const peer = await berth('container', 'run', '--rm', '--network', 'lab', 'bb:latest', 'wget', '-q', '-O-', 'http://bench/');
    expect(peer.code, peer.stderr).toBe(0);
    expect(peer.stdout).toBe('busybox rootfs\n');
    const exec = await berth('container', 'exec', 'lab1', 'sh', '-c', 'echo kept > /data/f; cat /data/f; exit 2');
    expect(exec.code).toBe(2);
    expect(exec.stdout).toBe('kept\n');
    const state = await berth('container', 'inspect', '--format', '{{.State.Status}}', 'lab1');
    expect(state.stdout).toBe('running\n');

    const networks = await berth('network', 'ls');
    expect(networks.stdout).toMatch(/^[0-9a-f]{12} +lab +bridge +local$/m);
    const volumes = await berth('volume', 'ls');
    expect(volumes.stdout).toMatch(/^local +labdata$/m);

    expect((await berth('container', 'rm', '-f', 'lab1')).code).toBe(0);
    expect((await berth('network', 'rm', 'lab')).code).toBe(0);
    expect((await berth('volume', 'rm', 'labdata')).code).toBe(0);
    expect((await berth('container', 'ps', '-a', '-q')).stdout).toBe('');
    const left = await berth('network', 'ls', '--format', 'json');
    expect(left.stdout).not.toContain('"lab"');
  });

  test('a missing container is one clear error, as docker prints it', async () => {
    const r = await berth('container', 'logs', 'nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No such container: nope/i);
  });
});
