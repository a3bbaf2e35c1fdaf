import net from 'node:net';
import { expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { projectContainers, useBerth } from './support/use-berth.js';

useLeakCheck();
const berth = useBerth('fail');

test('a missing image fails up naming the service and the image, and leaves nothing down cannot remove', async () => {
  const dir = berth.track(berth.env.project('noimg', {
    'compose.yaml': 'services:\n  web:\n    image: nope:latest\n  ok:\n    image: bb:latest\n    command: ["sleep", "3600"]\n    stop_signal: SIGKILL\n',
  }));
  const up = await berth.env.berth(['up', '-d'], { cwd: dir });
  expect(up.code).toBe(1);
  expect(up.stderr).toMatch(/service web: image nope:latest is not present locally/);
  const down = await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir });
  expect(down.code, down.stderr).toBe(0);
  expect(await projectContainers(berth.engine, 'noimg')).toEqual([]);
});

test('a host port already taken fails up naming the service', async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const dir = berth.track(berth.env.project('port', {
      'compose.yaml': `services:\n  web:\n    image: bb:latest\n    command: ["sleep", "3600"]\n    ports: ["${port}:80"]\n`,
    }));
    const up = await berth.env.berth(['up', '-d'], { cwd: dir });
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/service web: cannot (start|create) container port-web-1/);
    const down = await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir });
    expect(down.code, down.stderr).toBe(0);
    expect(await projectContainers(berth.engine, 'port')).toEqual([]);
  } finally {
    server.close();
  }
});

test('a command that is not a project gives a clear message, not a crash', async () => {
  const dir = berth.env.project('empty', { 'README': 'no compose file here\n' });
  const r = await berth.env.berth(['up', '-d'], { cwd: dir });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^berth: /);
  expect(r.stderr).not.toContain('    at ');
  const usage = await berth.env.berth(['up', '--no-such-flag'], { cwd: dir });
  expect(usage.code).toBe(2);
});
