import { describe, expect, it } from 'vitest';
import { readAll } from '../../../src/client/engine-client.js';
import { hostCapabilities } from '../../../src/runtime/host-capabilities.js';
import { useLeakCheck } from '../../support/leaks.js';
import { demux, inspect, pollUntil, runContainer, useBerthd } from './berthd-harness.js';

// Docker behaviours berthd must match: a kill is not held back by a stop's grace period,
// HostConfig.Init, privileged on a host with a partial bounding set, health probes' user.

useLeakCheck();

const d = useBerthd();

const MS = 1_000_000; // the API's durations are nanoseconds

async function logs(id: string): Promise<{ stdout: string; stderr: string }> {
  return demux(await readAll(await d.client.stream('GET', `/containers/${id}/logs`, { query: { stdout: 1, stderr: 1 } })));
}

async function runToExit(body: Record<string, unknown>): Promise<{ code: number; out: { stdout: string; stderr: string }; id: string }> {
  const id = await runContainer(d.client, body);
  const { StatusCode } = await d.client.request<{ StatusCode: number }>('POST', `/containers/${id}/wait`);
  return { code: StatusCode, out: await logs(id), id };
}

describe('kill during a stop', () => {
  it('goes through at once while a stop waits out its grace period', async () => {
    const id = await runContainer(d.client, { Cmd: ['sh', '-c', "trap '' TERM; echo ready; while true; do sleep 0.1; done"] });
    await pollUntil(async () => (await logs(id)).stdout.includes('ready'), 'the trap');
    const stop = d.client.request('POST', `/containers/${id}/stop`, { query: { t: 60 } });
    // The stop signal has been sent once the kill event is there: the stop is now waiting.
    await pollUntil(async () => {
      const ev = await readAll(await d.client.stream('GET', '/events', { query: { since: '0', until: String(Date.now() / 1000 + 0.001), filters: JSON.stringify({ container: [id], event: ['kill'] }) } }));
      return ev.length > 0;
    }, 'the stop signal');
    const started = Date.now();
    await d.client.request('POST', `/containers/${id}/kill`);
    await stop;
    // The 60 s grace period was not waited out, and the container died of the SIGKILL.
    expect(Date.now() - started).toBeLessThan(10_000);
    const after = await inspect(d.client, id);
    expect(after.State).toMatchObject({ Status: 'exited', ExitCode: 137 });
    await d.client.request('DELETE', `/containers/${id}`);
  });
});

describe('HostConfig.Init', () => {
  it('runs the command under an init as pid 1', async () => {
    const withInit = await runToExit({ Cmd: ['sh', '-c', 'echo pid=$$; cat /proc/1/cmdline | tr "\\0" " "'], HostConfig: { Init: true } });
    expect(withInit.code).toBe(0);
    expect(withInit.out.stdout).not.toContain('pid=1\n');
    expect(withInit.out.stdout).toMatch(/\/sbin\/berth-init -- sh -c/);
    const without = await runToExit({ Cmd: ['sh', '-c', 'echo pid=$$'] });
    expect(without.out.stdout).toBe('pid=1\n');
    // The init forwards the exit code.
    expect((await runToExit({ Cmd: ['sh', '-c', 'exit 7'], HostConfig: { Init: true } })).code).toBe(7);
    for (const id of [withInit.id, without.id]) await d.client.request('DELETE', `/containers/${id}`);
  });
});

describe('privileged', () => {
  it("starts with the daemon's whole bounding set, not more", async () => {
    const r = await runToExit({ Cmd: ['sh', '-c', 'grep CapEff /proc/self/status'], HostConfig: { Privileged: true } });
    expect(r.out.stderr).toBe('');
    expect(r.code).toBe(0);
    const hex = /CapEff:\s*([0-9a-f]+)/.exec(r.out.stdout)?.[1] ?? '';
    const bits = BigInt(`0x${hex || '0'}`).toString(2).replace(/0/g, '').length;
    // Every capability the host can give (fewer than 41 in this sandbox), far more than Docker's 14.
    expect(bits).toBe(hostCapabilities().length);
    await d.client.request('DELETE', `/containers/${r.id}`);
  });
});

describe('health probes', () => {
  it("run as the container's user", async () => {
    const id = await runContainer(d.client, {
      Cmd: ['sleep', '60'],
      User: 'app',
      Healthcheck: { Test: ['CMD-SHELL', 'id -u; id -g'], Interval: 100 * MS, Timeout: 2000 * MS, Retries: 1 },
    });
    await pollUntil(async () => (await inspect(d.client, id)).State.Health?.Status === 'healthy', 'healthy');
    expect((await inspect(d.client, id)).State.Health?.Log.at(-1)?.Output).toBe('1000\n1000\n');
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
  });
});
