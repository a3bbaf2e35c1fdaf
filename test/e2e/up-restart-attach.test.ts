import { expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { useBerth } from './support/use-berth.js';

useLeakCheck();
const berth = useBerth('rattach');

// A container its restart policy brings back is followed again: every run's output is
// shown, and foreground `up` ends only when it exits for good.
test('foreground up follows a container through its restarts', async () => {
  const dir = berth.track(berth.env.project('ra', {
    'compose.yaml': `
services:
  flaky:
    image: bb:latest
    restart: on-failure:2
    command: ["sh", "-c", "echo attempt; exit 3"]
`,
  }));
  const r = await berth.env.berth(['up'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  // The first run and both restarts, each with its exit.
  expect(r.stdout.match(/flaky-1 +\| attempt/g)?.length, r.stdout).toBe(3);
  expect(r.stdout.match(/flaky-1 exited with code 3/g)?.length, r.stdout).toBe(3);
  expect((await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir })).code).toBe(0);
});
