import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { projectContainers, useBerth } from './support/use-berth.js';

useLeakCheck();
const berth = useBerth('runexec');

const compose = `
services:
  db:
    image: bb:latest
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
  app:
    image: bb:latest
    command: ["sleep", "3600"]
    environment:
      GREETING: hello
    stop_signal: SIGKILL
    depends_on: [db]
`;

test('run starts the dependencies, returns the one-off command\'s exit code, and --rm leaves no container', async () => {
  const dir = berth.track(berth.env.project('re', { 'compose.yaml': compose }));
  const r = await berth.env.berth(['run', '--rm', '-T', '-e', 'EXTRA=1', 'app', 'sh', '-c', 'echo $GREETING $EXTRA; exit 5'], { cwd: dir });
  expect(r.code, r.stderr).toBe(5);
  expect(r.stdout).toContain('hello 1');
  const left = await projectContainers(berth.engine, 're');
  expect(left.map((c) => c.Labels['com.docker.compose.service']).sort()).toEqual(['db']);
  expect(left[0]?.State).toBe('running');
  expect((await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir })).code).toBe(0);
});

test('run -v and -p read as compose reads short volumes and ports: a project-relative bind, :ro; a bad spec fails before anything runs', async () => {
  const dir = berth.track(berth.env.project('rv', { 'compose.yaml': compose, 'data/f.txt': 'from the host\n' }));
  const r = await berth.env.berth(['run', '--rm', '-T', '--no-deps', '-v', './data:/data:ro', 'app', 'sh', '-c', 'cat /data/f.txt; touch /data/g 2>/dev/null || echo read-only'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toBe('from the host\nread-only\n');
  const badVolume = await berth.env.berth(['run', '--rm', '-T', '-v', './data:/data:ro:z', 'app', 'true'], { cwd: dir });
  expect(badVolume.code).not.toBe(0);
  expect(badVolume.stderr).toContain('--volume has too many colons in "./data:/data:ro:z"');
  const badPort = await berth.env.berth(['run', '--rm', '-T', '-p', '1.2.3:8080:80', 'app', 'true'], { cwd: dir });
  expect(badPort.stderr).toContain('--publish has an invalid host IP "1.2.3"');
  expect(await projectContainers(berth.engine, 'rv')).toEqual([]);
  expect((await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir })).code).toBe(0);
});

test('exec runs in the service container with its environment and returns the exit code', async () => {
  const dir = berth.track(berth.env.project('ex', { 'compose.yaml': compose }));
  expect((await berth.env.berth(['up', '-d'], { cwd: dir })).code).toBe(0);
  const r = await berth.env.berth(['exec', '-T', 'app', 'sh', '-c', 'echo $GREETING from $(hostname); exit 3'], { cwd: dir });
  expect(r.code, r.stderr).toBe(3);
  expect(r.stdout).toMatch(/^hello from /);
  const missing = await berth.env.berth(['exec', '-T', 'nope', 'true'], { cwd: dir });
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('no such service: nope');
  // Every command that takes service names refuses one the project lacks, as docker compose
  // does (ps, logs and top used to show nothing and exit 0); a name on the command line has
  // no place in the file to point at.
  const badPort = await berth.env.berth(['port', 'app', '80/tcp'], { cwd: dir });
  expect(badPort.code).toBe(2);
  expect(badPort.stderr).toContain('invalid port "80/tcp": a number from 1 to 65535 (the protocol goes in --protocol)');
  expect((await berth.env.berth(['port', 'app', '80'], { cwd: dir })).stderr).toContain('no port 80/tcp published for service app');
  for (const command of ['ps', 'logs', 'top', 'stop', 'wait']) {
    const r = await berth.env.berth([command, 'nope'], { cwd: dir });
    expect(r.code, command).toBe(1);
    expect(r.stderr, command).toBe('berth: no such service: nope\n');
  }
  expect((await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir })).code).toBe(0);
});

test('run -T passes piped stdin to the one-off command and closes it at the end', () => {
  const dir = berth.track(berth.env.project('ri', { 'compose.yaml': compose }));
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'berth');
  // cat only ends when its stdin closes: the run answering proves the close got through.
  const r = spawnSync(bin, ['run', '--rm', '-T', '--no-deps', 'app', 'sh', '-c', 'cat; echo end'], { cwd: dir, env: berth.env.env, input: 'hi from stdin\n', encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toBe('hi from stdin\nend\n');
  const off = spawnSync(bin, ['run', '--rm', '-T', '--no-deps', '--no-interactive', 'app', 'sh', '-c', 'cat; echo end'], { cwd: dir, env: berth.env.env, input: 'ignored\n', encoding: 'utf8', timeout: 30_000 });
  expect(off.status, off.stderr).toBe(0);
  expect(off.stdout).toBe('end\n');
});
