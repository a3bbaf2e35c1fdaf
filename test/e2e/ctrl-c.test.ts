import { expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { collect, pollUntil } from './support/berth-env.js';
import { projectContainers, useBerth } from './support/use-berth.js';

useLeakCheck();
const berth = useBerth('sigint');

const compose = `
services:
  app:
    image: bb:latest
    command: ["sh", "-c", "trap 'echo app got TERM; exit 0' TERM; echo app ready; while true; do sleep 0.1; done"]
`;

test('Ctrl-C on a foreground up stops the containers gracefully and exits 130', async () => {
  const dir = berth.track(berth.env.project('ctl', { 'compose.yaml': compose }));
  const child = berth.env.spawn(['up'], dir);
  const done = collect(child, 60_000);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await pollUntil(() => out.includes('app ready'), 30_000, 'the app to print its first line');
  expect(out).toMatch(/app-1\s+\| app ready/);

  child.kill('SIGINT');
  const result = await done;
  expect(result.code).toBe(130);
  expect(result.stderr).toContain('Gracefully stopping');
  expect(out).toContain('app got TERM');
  const [app] = await projectContainers(berth.engine, 'ctl');
  expect(app?.State).toBe('exited');

  expect((await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir })).code).toBe(0);
});

test('a second Ctrl-C kills containers that do not stop on their stop signal', async () => {
  const dir = berth.track(berth.env.project('stubborn', {
    'compose.yaml': `
services:
  app:
    image: bb:latest
    command: ["sh", "-c", "trap '' TERM; echo stubborn ready; while true; do sleep 0.1; done"]
    stop_grace_period: 20s
`,
  }));
  const child = berth.env.spawn(['up'], dir);
  const done = collect(child, 60_000);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await pollUntil(() => out.includes('stubborn ready'), 30_000, 'the app to print its first line');
  child.kill('SIGINT');
  await pollUntil(() => err.includes('Stopping'), 30_000, 'the graceful stop to begin');
  const started = Date.now();
  child.kill('SIGINT');
  const result = await done;
  expect(result.code).toBe(130);
  expect(Date.now() - started).toBeLessThan(10_000);
  await pollUntil(async () => (await projectContainers(berth.engine, 'stubborn'))[0]?.State === 'exited', 10_000, 'the container to be killed');

  expect((await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir })).code).toBe(0);
});
