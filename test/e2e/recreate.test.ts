import { expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { projectContainers, useBerth } from './support/use-berth.js';

useLeakCheck();
const berth = useBerth('recreate');

const compose = (webCommand: string) => `
services:
  db:
    image: bb:latest
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
  web:
    image: bb:latest
    command: ["sh", "-c", "${webCommand}; exec sleep 3600"]
    stop_signal: SIGKILL
`;

async function ids(project: string): Promise<Record<string, string>> {
  const rows = await projectContainers(berth.engine, project);
  return Object.fromEntries(rows.map((c) => [(c.Names[0] ?? '').replace(/^\//, ''), c.Id]));
}

test('up recreates only the service whose configuration changed', async () => {
  const dir = berth.track(berth.env.project('rc', { 'compose.yaml': compose('echo v1') }));
  expect((await berth.env.berth(['up', '-d'], { cwd: dir })).code).toBe(0);
  const first = await ids('rc');

  const again = await berth.env.berth(['up', '-d'], { cwd: dir });
  expect(again.code).toBe(0);
  expect(await ids('rc')).toEqual(first);

  berth.env.project('rc', { 'compose.yaml': compose('echo v2') });
  const changed = await berth.env.berth(['up', '-d'], { cwd: dir });
  expect(changed.code, changed.stderr).toBe(0);
  const second = await ids('rc');
  expect(second['rc-db-1']).toBe(first['rc-db-1']);
  expect(second['rc-web-1']).toBeDefined();
  expect(second['rc-web-1']).not.toBe(first['rc-web-1']);
  expect(Object.keys(second).sort()).toEqual(['rc-db-1', 'rc-web-1']);

  const forced = await berth.env.berth(['up', '-d', '--force-recreate', 'db'], { cwd: dir });
  expect(forced.code).toBe(0);
  expect((await ids('rc'))['rc-db-1']).not.toBe(first['rc-db-1']);

  expect((await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir })).code).toBe(0);
});
