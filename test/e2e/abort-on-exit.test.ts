import { expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { projectContainers, useBerth } from './support/use-berth.js';

useLeakCheck();
const berth = useBerth('abort');

const compose = `
services:
  tests:
    image: bb:latest
    command: ["sh", "-c", "echo running tests; sleep 0.5; exit 3"]
  server:
    image: bb:latest
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"]
`;

test('--abort-on-container-exit stops the rest and returns the exited container\'s code', async () => {
  const dir = berth.track(berth.env.project('ab', { 'compose.yaml': compose }));
  const r = await berth.env.berth(['up', '--abort-on-container-exit'], { cwd: dir });
  expect(r.code, r.stderr).toBe(3);
  expect(r.stdout).toContain('tests-1 exited with code 3');
  const states = Object.fromEntries((await projectContainers(berth.engine, 'ab')).map((c) => [c.Labels['com.docker.compose.service'], c.State]));
  expect(states).toEqual({ tests: 'exited', server: 'exited' });
  expect((await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir })).code).toBe(0);
});

test('--exit-code-from returns the named service\'s code', async () => {
  const dir = berth.track(berth.env.project('ec', { 'compose.yaml': compose }));
  const r = await berth.env.berth(['up', '--exit-code-from', 'server'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  const fromTests = await berth.env.berth(['up', '--exit-code-from', 'tests'], { cwd: dir });
  expect(fromTests.code).toBe(3);
  expect((await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir })).code).toBe(0);
});
