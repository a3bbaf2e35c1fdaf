import { expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { projectContainers, useBerth } from './support/use-berth.js';

useLeakCheck();
const berth = useBerth('orphans');

const service = (name: string) => `
  ${name}:
    image: bb:latest
    command: ["sleep", "3600"]
    stop_signal: SIGKILL`;

const names = async () => (await projectContainers(berth.engine, 'orph')).map((c) => (c.Names[0] ?? '').replace(/^\//, '')).sort();

test('a service removed from the file is reported as an orphan, and removed with --remove-orphans', async () => {
  const dir = berth.track(berth.env.project('orph', { 'compose.yaml': `services:${service('keep')}${service('gone')}\n` }));
  expect((await berth.env.berth(['up', '-d'], { cwd: dir })).code).toBe(0);
  berth.env.project('orph', { 'compose.yaml': `services:${service('keep')}\n` });

  const warned = await berth.env.berth(['up', '-d'], { cwd: dir });
  expect(warned.code).toBe(0);
  expect(warned.stderr).toContain('Found orphan containers (orph-gone-1)');
  expect(await names()).toEqual(['orph-gone-1', 'orph-keep-1']);

  const removed = await berth.env.berth(['up', '-d', '--remove-orphans'], { cwd: dir });
  expect(removed.code, removed.stderr).toBe(0);
  expect(await names()).toEqual(['orph-keep-1']);

  expect((await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir })).code).toBe(0);
});
