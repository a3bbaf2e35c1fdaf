import { describe, expect, it } from 'vitest';
import { readAll } from '../../../src/client/engine-client.js';
import { useLeakCheck } from '../../support/leaks.js';
import { inspect, pollUntil, runContainer, useBerthd } from './berthd-harness.js';

useLeakCheck();

const d = useBerthd();

const MS = 1_000_000; // the API's durations are nanoseconds

describe('health checks', () => {
  it('goes starting → healthy, then unhealthy with the last output after `retries` failures', async () => {
    const since = (Date.now() / 1000).toFixed(3);
    const id = await runContainer(d.client, {
      Cmd: ['sh', '-c', 'touch /tmp/ok; sleep 60'],
      Healthcheck: { Test: ['CMD-SHELL', 'test -e /tmp/ok && echo fine || { echo broken; exit 1; }'], Interval: 100 * MS, Timeout: 2000 * MS, Retries: 2 },
    });
    expect((await inspect(d.client, id)).State.Health?.Status).toBe('starting');
    await pollUntil(async () => (await inspect(d.client, id)).State.Health?.Status === 'healthy', 'healthy');
    const healthy = (await inspect(d.client, id)).State.Health;
    expect(healthy?.FailingStreak).toBe(0);
    expect(healthy?.Log.at(-1)).toMatchObject({ ExitCode: 0, Output: 'fine\n' });
    const { Id: execId } = await d.client.request<{ Id: string }>('POST', `/containers/${id}/exec`, { body: { Cmd: ['rm', '/tmp/ok'] } });
    await d.client.request('POST', `/exec/${execId}/start`, { body: { Detach: true } });
    await pollUntil(async () => (await inspect(d.client, id)).State.Health?.Status === 'unhealthy', 'unhealthy');
    const sick = (await inspect(d.client, id)).State.Health;
    expect(sick?.FailingStreak).toBeGreaterThanOrEqual(2);
    expect(sick?.Log.at(-1)).toMatchObject({ ExitCode: 1, Output: 'broken\n' });
    expect(sick?.Log.length).toBeLessThanOrEqual(5);
    const list = await d.client.request<{ Status: string }[]>('GET', '/containers/json', { query: { filters: JSON.stringify({ id: [id] }) } });
    expect(list[0]?.Status).toMatch(/\(unhealthy\)$/);
    const events = await d.client.stream('GET', '/events', { query: { since, until: String(Date.now() / 1000 + 0.001), filters: JSON.stringify({ container: [id] }) } });
    const actions = (await readAll(events)).toString('utf8').trim().split('\n').map((l) => (JSON.parse(l) as { Action: string }).Action);
    expect(actions).toEqual(expect.arrayContaining(['health_status: healthy', 'health_status: unhealthy']));
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
  });

  it('does not count failures inside start_period, and reports a probe timeout', async () => {
    const id = await runContainer(d.client, {
      Cmd: ['sleep', '60'],
      Healthcheck: { Test: ['CMD', 'sleep', '5'], Interval: 100 * MS, Timeout: 200 * MS, Retries: 1, StartPeriod: 60_000 * MS, StartInterval: 100 * MS },
    });
    const h = await pollUntil(async () => {
      const s = (await inspect(d.client, id)).State.Health;
      return s && s.Log.length >= 2 ? s : undefined;
    }, 'two probe results');
    expect(h.Status).toBe('starting');
    expect(h.FailingStreak).toBe(0);
    expect(h.Log[0]).toMatchObject({ ExitCode: -1, Output: expect.stringContaining('exceeded timeout') });
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
  });
});

// NetworkMode none: restart semantics need no network, and the predefined bridge going
// down and up at every 100 ms restart is the network service's business, tested there.
describe('restart policies', () => {
  it('on-failure:2 restarts a failing container twice, then leaves it exited', async () => {
    const id = await runContainer(d.client, { Cmd: ['sh', '-c', 'exit 3'], HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } } });
    const final = await pollUntil(async () => {
      const s = await inspect(d.client, id);
      return s.RestartCount === 2 && s.State.Status === 'exited' ? s : undefined;
    }, 'RestartCount 2 and exited');
    expect(final.State.ExitCode).toBe(3);
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
  });

  it('always restarts a container that exits 0, until it is stopped', async () => {
    const id = await runContainer(d.client, { Cmd: ['true'], HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'always' } } });
    await pollUntil(async () => (await inspect(d.client, id)).RestartCount >= 3, 'three restarts');
    await d.client.request('POST', `/containers/${id}/stop`, { query: { t: 1 } });
    const stopped = await inspect(d.client, id);
    expect(stopped.State.Status).toBe('exited');
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
  });

  it('keeps trying with back-off when a restart fails to start, and recovers', async () => {
    const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/bt-restart-');
    const src = `${dir}/src`;
    mkdirSync(src);
    try {
      const id = await runContainer(d.client, { Cmd: ['sh', '-c', 'test -e /d/go && exec sleep 60; exit 1'], HostConfig: { NetworkMode: 'none', Binds: [`${src}:/d`], RestartPolicy: { Name: 'always' } } });
      await pollUntil(async () => (await inspect(d.client, id)).RestartCount >= 1, 'a first restart');
      // the bind source vanishes: starts fail, and are retried
      rmSync(src, { recursive: true, force: true });
      const failing = await pollUntil(async () => {
        const s = await d.client.request<{ State: { Error: string }; RestartCount: number }>('GET', `/containers/${id}/json`);
        return s.State.Error !== '' ? s : undefined;
      }, 'a failed restart');
      mkdirSync(src);
      writeFileSync(`${src}/go`, '');
      const back = await pollUntil(async () => {
        const s = await inspect(d.client, id);
        return s.State.Running ? s : undefined;
      }, 'the container running again', 30_000);
      expect(back.RestartCount).toBeGreaterThan(failing.RestartCount);
      await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not restart with policy no, and AutoRemove removes the container on exit', async () => {
    const { Id } = await d.client.request<{ Id: string }>('POST', '/containers/create', { body: { Image: 'bb', Cmd: ['true'], HostConfig: { NetworkMode: 'none', AutoRemove: true } } });
    const removed = d.client.request<{ StatusCode: number }>('POST', `/containers/${Id}/wait`, { query: { condition: 'removed' } });
    await d.client.request('POST', `/containers/${Id}/start`);
    expect((await removed).StatusCode).toBe(0);
    await expect(inspect(d.client, Id)).rejects.toThrow(/No such container/);
  });
});
