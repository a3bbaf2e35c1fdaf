import { describe, expect, test } from 'vitest';
import { useLeakCheck } from '../support/leaks.js';
import { inspect, useBerth } from './support/use-berth.js';

useLeakCheck();
const berth = useBerth('order');

const compose = `
services:
  db:
    image: bb:latest
    command: ["sh", "-c", "sleep 0.5; touch /tmp/ready; exec sleep 3600"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 100ms
      retries: 100
    stop_signal: SIGKILL
  job:
    image: bb:latest
    command: ["sh", "-c", "sleep 0.3; echo migrated"]
  web:
    image: bb:latest
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
    depends_on:
      db: { condition: service_healthy }
      job: { condition: service_completed_successfully }
  side:
    image: bb:latest
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
    depends_on: [web]
`;

const ms = (iso: string) => Date.parse(iso);

async function down(dir: string): Promise<void> {
  const r = await berth.env.berth(['down', '-v', '-t', '0'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
}

describe('depends_on conditions decide start order', () => {
  test('each dependent starts only after its dependency is started, healthy, or completed', async () => {
    const dir = berth.track(berth.env.project('order', { 'compose.yaml': compose }));
    const up = await berth.env.berth(['up', '-d'], { cwd: dir });
    expect(up.stderr).toContain('Started');
    expect(up.code).toBe(0);

    const db = await inspect(berth.engine, 'order-db-1');
    const job = await inspect(berth.engine, 'order-job-1');
    const web = await inspect(berth.engine, 'order-web-1');
    const side = await inspect(berth.engine, 'order-side-1');
    const firstHealthy = (db.State.Health?.Log ?? []).find((l) => l.ExitCode === 0);
    expect(firstHealthy).toBeDefined();
    expect(ms(web.State.StartedAt)).toBeGreaterThanOrEqual(ms(firstHealthy?.End ?? ''));
    expect(job.State.ExitCode).toBe(0);
    expect(ms(web.State.StartedAt)).toBeGreaterThanOrEqual(ms(job.State.FinishedAt));
    expect(ms(side.State.StartedAt)).toBeGreaterThanOrEqual(ms(web.State.StartedAt));

    await down(dir);
  });

  test('an unhealthy dependency fails up, naming the container and its last health output', async () => {
    const dir = berth.track(berth.env.project('sick', {
      'compose.yaml': `
services:
  db:
    image: bb:latest
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
    healthcheck:
      test: ["CMD-SHELL", "echo db-not-ready; exit 1"]
      interval: 100ms
      retries: 2
  web:
    image: bb:latest
    command: ["sleep", "3600"]
    depends_on:
      db: { condition: service_healthy }
`,
    }));
    const up = await berth.env.berth(['up', '-d'], { cwd: dir });
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/sick-db-1 is unhealthy/);
    expect(up.stderr).toContain('db-not-ready');
    expect((await inspect(berth.engine, 'sick-web-1')).State.Status).toBe('created');
    await down(dir);
  });

  test('a dependency that exits non-zero fails up, naming the exit code', async () => {
    const dir = berth.track(berth.env.project('badjob', {
      'compose.yaml': `
services:
  job:
    image: bb:latest
    command: ["sh", "-c", "exit 3"]
  web:
    image: bb:latest
    command: ["sleep", "3600"]
    depends_on:
      job: { condition: service_completed_successfully }
`,
    }));
    const up = await berth.env.berth(['up', '-d'], { cwd: dir });
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/service "job" didn't complete successfully: exit 3/);
    await down(dir);
  });

  test('a dependency without a health check cannot satisfy service_healthy', async () => {
    const dir = berth.track(berth.env.project('nohc', {
      'compose.yaml': `
services:
  db:
    image: bb:latest
    command: ["sleep", "3600"]
    stop_signal: SIGKILL
  web:
    image: bb:latest
    command: ["sleep", "3600"]
    depends_on:
      db: { condition: service_healthy }
`,
    }));
    const up = await berth.env.berth(['up', '-d'], { cwd: dir });
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/nohc-db-1 has no healthcheck configured/);
    await down(dir);
  });
});
