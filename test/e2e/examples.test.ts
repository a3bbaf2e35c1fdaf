import { cpSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { projectContainers, useBerth } from './support/use-berth.js';

useLeakCheck();
const berth = useBerth('examples');
const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');

test('the quickstart example answers on its published port after up -d --wait', async () => {
  const dir = berth.track(path.join(berth.env.base, 'quickstart'));
  cpSync(path.join(examples, 'quickstart'), dir, { recursive: true });
  const up = await berth.env.berth(['up', '-d', '--wait'], { cwd: dir });
  expect(up.code, up.stderr).toBe(0);
  const res = await fetch('http://127.0.0.1:8080/');
  expect(await res.text()).toContain('Hello from berth');
  const down = await berth.env.berth(['down', '-v'], { cwd: dir });
  expect(down.code, down.stderr).toBe(0);
  expect(await projectContainers(berth.engine, 'quickstart')).toEqual([]);
});

test('the web-db example: the migration job completes before web starts, web reaches db and cache by name', async () => {
  const dir = berth.track(path.join(berth.env.base, 'web-db'));
  cpSync(path.join(examples, 'web-db'), dir, { recursive: true });
  const up = await berth.env.berth(['up', '-d', '--wait'], { cwd: dir });
  expect(up.code, up.stderr).toBe(0);
  const text = await (await fetch('http://127.0.0.1:8081/cgi-bin/visits')).text();
  expect(text).toContain('schema: schema v1');
  expect(text).toContain('cache says: PONG');
  const down = await berth.env.berth(['down', '-v'], { cwd: dir });
  expect(down.code, down.stderr).toBe(0);
});
