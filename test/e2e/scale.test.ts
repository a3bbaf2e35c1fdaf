import { expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { projectContainers, useBerth } from './support/use-berth.js';

useLeakCheck();
const berth = useBerth('scale');

const compose = `
services:
  web:
    image: bb:latest
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
`;

const names = async () => (await projectContainers(berth.engine, 'sc')).map((c) => (c.Names[0] ?? '').replace(/^\//, '')).sort();

test('--scale adds replicas with the next numbers and removes the highest numbers first', async () => {
  const dir = berth.track(berth.env.project('sc', { 'compose.yaml': compose }));
  expect((await berth.env.berth(['up', '-d', '--scale', 'web=3'], { cwd: dir })).code).toBe(0);
  expect(await names()).toEqual(['sc-web-1', 'sc-web-2', 'sc-web-3']);
  const running = await projectContainers(berth.engine, 'sc');
  expect(running.every((c) => c.State === 'running')).toBe(true);

  const down = await berth.env.berth(['up', '-d', '--scale', 'web=1'], { cwd: dir });
  expect(down.code, down.stderr).toBe(0);
  expect(await names()).toEqual(['sc-web-1']);

  expect((await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir })).code).toBe(0);
});
