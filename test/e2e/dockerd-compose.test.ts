import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { projectContainers } from './support/use-berth.js';
import { dockerdSkipReason, freePort, useDockerd } from './support/private-dockerd.js';

// The same berth against a real dockerd (Debian's docker.io, Engine API 1.41): a project
// with a health-gated database on a named volume, a one-shot migration job, a web service
// on two user networks with a published port, a client on the front network only and a
// sidecar in web's network namespace (network_mode: service:web).
// up -d --wait, ps, logs, exec, a no-op second up, a recreate on change, down -v.

const skip = dockerdSkipReason();

const composeFor = (port: number) => `
services:
  db:
    image: bb:latest
    command: ["sh", "-c", "[ -f /data/x ] || echo stored-v1 > /data/x; echo db ready; exec httpd -f -p 5432 -h /data"]
    volumes: [dbdata:/data]
    networks: [back]
    stop_signal: SIGKILL
    healthcheck:
      test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:5432/x"]
      interval: 1s
      timeout: 2s
      retries: 30
  migrate:
    image: bb:latest
    command: ["sh", "-c", "wget -q -O- http://db:5432/x && echo migrated"]
    networks: [back]
    depends_on:
      db: { condition: service_healthy }
  web:
    image: bb:latest
    command: ["sh", "-c", "wget -q -O /www/index.html http://db:5432/x && echo web serving $$FLAVOUR && exec httpd -f -p 80 -h /www"]
    environment:
      FLAVOUR: plain
    ports: ["127.0.0.1:${port}:80"]
    networks: [front, back]
    stop_signal: SIGKILL
    depends_on:
      db: { condition: service_healthy }
      migrate: { condition: service_completed_successfully }
  client:
    image: bb:latest
    command: ["sleep", "3600"]
    networks: [front]
    stop_signal: SIGKILL
  sidecar:
    image: bb:latest
    command: ["sleep", "3600"]
    network_mode: "service:web"
    stop_signal: SIGKILL
networks:
  front: {}
  back: {}
volumes:
  dbdata: {}
`;

useLeakCheck();

describe.skipIf(skip !== undefined)(`berth against a private dockerd${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const d = useDockerd();
  let dir = '';
  let port = 0;
  const ids = async (): Promise<Record<string, string>> =>
    Object.fromEntries((await projectContainers(d.engine, 'shop')).map((c) => [c.Labels['com.docker.compose.service'] ?? '', c.Id]));

  test('up -d --wait: the job completes after the database is healthy, web answers on its published port', async () => {
    port = await freePort();
    dir = d.project('shop', { 'compose.yaml': composeFor(port) });
    const up = await d.berth(['up', '-d', '--wait'], { cwd: dir });
    expect(up.code, up.stderr).toBe(0);
    const rows = Object.fromEntries((await d.ps(dir)).map((r) => [r.Service, r]));
    expect(rows.db?.State).toBe('running');
    expect(rows.db?.Health).toBe('healthy');
    expect(rows.web?.State).toBe('running');
    expect(rows.client?.State).toBe('running');
    expect(rows.migrate?.State).toBe('exited');
    expect(rows.migrate?.ExitCode).toBe(0);
    // web fetched db's file by name over the back network when it started.
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('stored-v1\n');
  });

  test('ps, logs and exec: names resolve on each network, exit codes come back', async () => {
    const ps = await d.berth(['ps'], { cwd: dir });
    expect(ps.code, ps.stderr).toBe(0);
    expect(ps.stdout).toMatch(/shop-db-1 .*Up .*\(healthy\)/);
    expect(ps.stdout).toContain(`127.0.0.1:${port}->80/tcp`);
    const logs = await d.berth(['logs', '--no-color'], { cwd: dir });
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/migrate-1 +\| stored-v1/);
    expect(logs.stdout).toMatch(/migrate-1 +\| migrated/);
    expect(logs.stdout).toMatch(/web-1 +\| web serving plain/);
    expect(logs.stdout).toMatch(/db-1 +\| db ready/);
    // client is on front only: web answers there by its service name (the network berth
    // connected web to after create, since API 1.41 takes one network at create).
    const viaFront = await d.berth(['exec', '-T', 'client', 'wget', '-q', '-O-', 'http://web/'], { cwd: dir });
    expect(viaFront.code, viaFront.stderr).toBe(0);
    expect(viaFront.stdout).toBe('stored-v1\n');
    const alias = await d.berth(['exec', '-T', 'client', 'wget', '-q', '-O-', 'http://shop-web-1/'], { cwd: dir });
    expect(alias.stdout).toBe('stored-v1\n');
    const sidecar = await d.berth(['exec', '-T', 'sidecar', 'wget', '-q', '-O-', 'http://127.0.0.1/'], { cwd: dir });
    expect(sidecar.stdout, sidecar.stderr).toBe('stored-v1\n');
    const code = await d.berth(['exec', '-T', 'web', 'sh', '-c', 'echo in $FLAVOUR; exit 3'], { cwd: dir });
    expect(code.code).toBe(3);
    expect(code.stdout).toBe('in plain\n');
  });

  test('a second up changes nothing; a changed service is recreated and the rest kept', async () => {
    const before = await ids();
    const hashes = await d.berth(['config', '--hash', '*'], { cwd: dir });
    expect(hashes.code, hashes.stderr).toBe(0);
    const webHash = /^web (\w+)$/m.exec(hashes.stdout)?.[1];
    const web = await d.engine.request<{ Config: { Labels: Record<string, string> } }>('GET', `/containers/${before.web}/json`);
    expect(web.Config.Labels['com.docker.compose.config-hash']).toBe(webHash);

    const again = await d.berth(['up', '-d', '--wait'], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/Recreate/);
    expect(await ids()).toEqual(before);

    const file = path.join(dir, 'compose.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('FLAVOUR: plain', 'FLAVOUR: spicy'));
    const changed = await d.berth(['up', '-d', '--wait'], { cwd: dir });
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stderr).toMatch(/shop-web-1 +Recreated/);
    const after = await ids();
    expect(after.db).toBe(before.db);
    expect(after.client).toBe(before.client);
    expect(after.web).not.toBe(before.web);
    // The sidecar named the old web container (dockerd keeps its ID): recreated with it, as
    // Compose does, and in the new web's namespace.
    expect(changed.stderr).toMatch(/shop-sidecar-1 +Recreated/);
    expect(after.sidecar).not.toBe(before.sidecar);
    expect((await d.berth(['exec', '-T', 'sidecar', 'wget', '-q', '-O-', 'http://127.0.0.1/'], { cwd: dir })).stdout).toBe('stored-v1\n');
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('stored-v1\n');
    const flavour = await d.berth(['exec', '-T', 'web', 'sh', '-c', 'echo $FLAVOUR'], { cwd: dir });
    expect(flavour.stdout).toBe('spicy\n');
    // The recreated web is on both networks again.
    expect((await d.berth(['exec', '-T', 'client', 'wget', '-q', '-O-', 'http://web/'], { cwd: dir })).stdout).toBe('stored-v1\n');
  });

  test('down -v leaves no container, network or volume of the project on dockerd', async () => {
    const down = await d.berth(['down', '-v'], { cwd: dir });
    expect(down.code, down.stderr).toBe(0);
    expect(await projectContainers(d.engine, 'shop')).toEqual([]);
    const networks = await d.engine.request<{ Name: string }[]>('GET', '/networks');
    expect(networks.map((n) => n.Name).filter((n) => n.startsWith('shop'))).toEqual([]);
    const volumes = await d.engine.request<{ Volumes: { Name: string }[] | null }>('GET', '/volumes');
    expect((volumes.Volumes ?? []).map((v) => v.Name)).toEqual([]);
    const all = await d.engine.request<unknown[]>('GET', '/containers/json', { query: { all: 1 } });
    expect(all).toEqual([]);
  });

  test('a foreground up attaches to the logs and --abort-on-container-exit returns the exited code', async () => {
    const fg = d.project('fg', {
      'compose.yaml': `
services:
  tests:
    image: bb:latest
    command: ["sh", "-c", "echo running tests; sleep 0.5; exit 3"]
  server:
    image: bb:latest
    command: ["sh", "-c", "echo serving; trap 'exit 0' TERM; while true; do sleep 0.1; done"]
`,
    });
    const r = await d.berth(['up', '--abort-on-container-exit'], { cwd: fg });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/tests-1 +\| running tests/);
    expect(r.stdout).toMatch(/server-1 +\| serving/);
    expect(r.stdout).toContain('tests-1 exited with code 3');
    const states = Object.fromEntries((await projectContainers(d.engine, 'fg')).map((c) => [c.Labels['com.docker.compose.service'], c.State]));
    expect(states).toEqual({ tests: 'exited', server: 'exited' });
    expect((await d.berth(['down', '-v', '-t', '0'], { cwd: fg })).code).toBe(0);
  });
});
