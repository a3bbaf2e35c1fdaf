import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '../../support/leaks.js';
import { pollUntil, runContainer, useBerthd } from './berthd-harness.js';

// What `docker run --rm` leaves while berthd answers before the kernel clean-up: the
// container's process starts with default signal dispositions, the answer comes after
// the removal, and the clean-up that follows it (rootfs unmount, netns and veth, the
// directory) ends with nothing left, also across a restart.

useLeakCheck();

const d = useBerthd();

const ours = (): string[] => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(d.dir));
const netnsFiles = (): string[] => (existsSync(path.join(d.run, 'netns')) ? readdirSync(path.join(d.run, 'netns')).filter((f) => !f.startsWith('pool-')) : []);

describe('run --rm against berthd', () => {
  it('starts the process with no signal ignored (SIGINT and SIGQUIT reach it)', async () => {
    const id = await runContainer(d.client, { Cmd: ['grep', 'SigIgn', '/proc/self/status'] });
    await d.client.request('POST', `/containers/${id}/wait`);
    const logs = await d.client.request<string>('GET', `/containers/${id}/logs`, { query: { stdout: 1 } });
    expect(logs).toContain('SigIgn:\t0000000000000000');
    await d.client.request('DELETE', `/containers/${id}`);
  });

  it('answers wait(removed) once the container is gone; the rootfs, netns and directory follow', async () => {
    for (let i = 0; i < 3; i++) {
      const { Id } = await d.client.request<{ Id: string }>('POST', '/containers/create', { body: { Image: 'bb', Cmd: ['true'], HostConfig: { AutoRemove: true } } });
      const removed = d.client.request<{ StatusCode: number }>('POST', `/containers/${Id}/wait`, { query: { condition: 'removed' } });
      await d.client.request('POST', `/containers/${Id}/start`);
      expect((await removed).StatusCode).toBe(0);
      const all = await d.client.request<{ Id: string }[]>('GET', '/containers/json', { query: { all: 1 } });
      expect(all.map((c) => c.Id)).not.toContain(Id);
      expect(existsSync(path.join(d.root, 'containers', Id))).toBe(false);
      expect(existsSync(path.join(d.run, 'c', Id))).toBe(false); // the shim's state dir
      await pollUntil(() => !ours().some((l) => l.includes(Id)) || undefined, `the mounts of ${Id} to go`, 5000);
    }
    await pollUntil(() => netnsFiles().length === 0 || undefined, 'released namespaces to go', 5000);
    await pollUntil(() => (existsSync(path.join(d.root, 'trash')) ? readdirSync(path.join(d.root, 'trash')).length === 0 : true) || undefined, 'the trash to empty', 5000);
  });

  it('a berthd killed during the clean-up leaves it for the next one', async () => {
    const id = await runContainer(d.client, { Cmd: ['true'], HostConfig: { AutoRemove: true } });
    await d.kill9();
    await d.start();
    await pollUntil(async () => !(await d.client.request<{ Id: string }[]>('GET', '/containers/json', { query: { all: 1 } })).some((c) => c.Id === id) || undefined, 'the container to go', 10_000).catch(() => undefined);
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } }).catch(() => undefined);
    await pollUntil(() => !ours().some((l) => l.includes(id)) || undefined, 'its mounts to go', 10_000);
  });
});

describe('a container whose shim was killed', () => {
  it('with its process, while nobody asks: berthd notices within seconds (exit 255)', async () => {
    const id = await runContainer(d.client, { Cmd: ['sleep', '300'] });
    const stateDir = path.join(d.run, 'c', id);
    const { State } = await d.client.request<{ State: { Pid: number } }>('GET', `/containers/${id}/json`);
    process.kill(Number(readFileSync(path.join(stateDir, 'shim.pid'), 'utf8')), 'SIGKILL');
    process.kill(State.Pid, 'SIGKILL');
    const after = await pollUntil(async () => {
      const s = (await d.client.request<{ State: { Running: boolean; ExitCode: number } }>('GET', `/containers/${id}/json`)).State;
      return s.Running ? undefined : s;
    }, 'berthd to see the container gone', 10_000);
    expect(after.ExitCode).toBe(255);
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
    await pollUntil(() => !ours().some((l) => l.includes(id)) || undefined, `the mounts of ${id} to go`, 5000);
  });

  it('with its process: stop and rm -f still end it (exit 255), leaving nothing', async () => {
    for (const verb of ['stop', 'rm'] as const) {
      const id = await runContainer(d.client, { Cmd: ['sleep', '300'] });
      const stateDir = path.join(d.run, 'c', id);
      const shim = Number(readFileSync(path.join(stateDir, 'shim.pid'), 'utf8'));
      const { State } = await d.client.request<{ State: { Pid: number } }>('GET', `/containers/${id}/json`);
      // What an OOM killer or an operator's kill -9 of both would leave: no shim, no exit.json.
      process.kill(shim, 'SIGKILL');
      process.kill(State.Pid, 'SIGKILL');
      await pollUntil(() => !existsSync(`/proc/${State.Pid}/status`) || !/State:\s+Z/.test(readFileSync(`/proc/${State.Pid}/status`, 'utf8')) || undefined, 'the init to go', 5000);
      if (verb === 'stop') {
        await d.client.request('POST', `/containers/${id}/stop`, { query: { t: 1 } });
        const after = await d.client.request<{ State: { Running: boolean; ExitCode: number } }>('GET', `/containers/${id}/json`);
        expect(after.State).toMatchObject({ Running: false, ExitCode: 255 });
      }
      await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
      const all = await d.client.request<{ Id: string }[]>('GET', '/containers/json', { query: { all: 1 } });
      expect(all.map((c) => c.Id)).not.toContain(id);
      await pollUntil(() => !ours().some((l) => l.includes(id)) || undefined, `the mounts of ${id} to go`, 5000);
    }
  });
});
