import { expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { useBerth } from './support/use-berth.js';

useLeakCheck();
const berth = useBerth('logging');

// A service's `logging:` reaches the engine as its log config: here json-file rotation,
// so a chatty service keeps only max-size × max-file of output.
test('logging options become the container log config and rotate its log', async () => {
  const dir = berth.track(berth.env.project('lg', {
    'compose.yaml': `
services:
  chatty:
    image: bb:latest
    command: ["sh", "-c", "i=0; while [ $$i -lt 400 ]; do echo line-$$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$$((i+1)); done; echo done; sleep 3600"]
    logging:
      driver: json-file
      options:
        max-size: 4k
        max-file: "2"
`,
  }));
  expect((await berth.env.berth(['up', '-d'], { cwd: dir })).code).toBe(0);
  const inspect = await berth.env.berth(['container', 'inspect', 'lg-chatty-1']);
  const [c] = JSON.parse(inspect.stdout) as [{ HostConfig: { LogConfig: unknown } }];
  expect(c.HostConfig.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '4k', 'max-file': '2' } });
  let logs = '';
  for (let i = 0; i < 50 && !logs.includes('done'); i++) {
    logs = (await berth.env.berth(['logs', '--no-log-prefix', 'chatty'], { cwd: dir })).stdout;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(logs).toContain('done');
  // 400 lines of ~70 bytes were written; two files of 4 KiB keep far fewer, and the first is gone.
  expect(logs).not.toContain('line-0-');
  expect(logs.split('\n').length).toBeLessThan(200);
  expect((await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir })).code).toBe(0);
});
