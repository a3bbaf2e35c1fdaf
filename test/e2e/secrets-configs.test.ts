import { expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { useBerth } from './support/use-berth.js';

useLeakCheck();
const berth = useBerth('secrets');

// Secrets and configs of every source Compose knows outside a swarm: a file (bound
// read-only), an environment variable (from .env here) and inline content (copied in
// after create, before the start), with their targets, modes and owners.
test('file, environment and content secrets and configs are files in the container', async () => {
  const dir = berth.track(berth.env.project('sc', {
    'compose.yaml': `
services:
  app:
    image: bb:latest
    command: ["sleep", "3600"]
    secrets:
      - db_password
      - source: api_key
        target: /etc/api.key
        uid: "100"
        gid: "101"
        mode: 0400
    configs:
      - app_conf
      - source: from_file
        target: /etc/from-file.conf
secrets:
  db_password:
    environment: DB_PASSWORD
  api_key:
    file: ./api.key
configs:
  app_conf:
    content: |
      listen = \${PORT:-8080}
  from_file:
    file: ./from-file.conf
`,
    '.env': 'DB_PASSWORD=hunter2\n',
    'api.key': 'key-from-file',
    'from-file.conf': 'a = 1\n',
  }));
  const up = await berth.env.berth(['up', '-d'], { cwd: dir });
  expect(up.code, up.stderr).toBe(0);
  const show = await berth.env.berth(['exec', '-T', 'app', 'sh', '-c',
    'cat /run/secrets/db_password; echo; cat /etc/api.key; echo; cat /app_conf; cat /etc/from-file.conf; stat -c "%n %a %u:%g" /run/secrets/db_password /app_conf'], { cwd: dir });
  expect(show.code, show.stderr).toBe(0);
  expect(show.stdout).toBe('hunter2\nkey-from-file\nlisten = 8080\na = 1\n/run/secrets/db_password 444 0:0\n/app_conf 444 0:0\n');
  // A file source is bound read-only.
  const write = await berth.env.berth(['exec', '-T', 'app', 'sh', '-c', 'echo x > /etc/api.key'], { cwd: dir });
  expect(write.code).not.toBe(0);
  expect((await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir })).code).toBe(0);
});

test('an environment secret whose variable is unset fails up with its name and creates nothing', async () => {
  const dir = berth.track(berth.env.project('sc2', {
    'compose.yaml': `
services:
  app:
    image: bb:latest
    secrets: [token]
secrets:
  token:
    environment: BERTH_TEST_UNSET_TOKEN
`,
  }));
  const up = await berth.env.berth(['up', '-d'], { cwd: dir });
  expect(up.code).toBe(1);
  expect(up.stderr).toContain('environment variable BERTH_TEST_UNSET_TOKEN required by secret token is not set');
  const ps = await berth.env.berth(['ps', '-a', '-q'], { cwd: dir });
  expect(ps.stdout.trim()).toBe('');
});
