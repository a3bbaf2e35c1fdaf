import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../../src/client/connect.js';
import { useLeakCheck } from '../../support/leaks.js';
import { DAEMON_MAIN, inspect, pollUntil, runContainer, startBerthd, type Berthd } from './berthd-harness.js';

useLeakCheck();

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('berthd as a process', () => {
  it('serves a root-only socket (0660), refuses a second berthd on it, and replaces a stale socket', async () => {
    const d: Berthd = await startBerthd();
    cleanups.push(() => d.cleanup());
    expect(statSync(d.socket).mode & 0o777).toBe(0o660);
    const second = spawnSync(process.execPath, [DAEMON_MAIN, '--host', `unix://${d.socket}`, '--root', d.root, '--run', d.run], { encoding: 'utf8', timeout: 20_000 });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('already listening');
    // nor a second one on another socket over the same state
    const other = spawnSync(process.execPath, [DAEMON_MAIN, '--host', `unix://${d.dir}/other.sock`, '--root', d.root, '--run', d.run], { encoding: 'utf8', timeout: 20_000 });
    expect(other.status).toBe(1);
    expect(other.stderr).toContain('another berthd');
    // a crash leaves the socket file behind; the next berthd takes its place
    await d.kill9();
    expect(existsSync(d.socket)).toBe(true);
    await d.start();
    expect(await d.client.ping()).toBe(true);
  });

  it('SIGTERM stops berthd and leaves containers running; its log names what happened', async () => {
    const d: Berthd = await startBerthd();
    cleanups.push(() => d.cleanup());
    const id = await runContainer(d.client, { Cmd: ['sleep', '60'], HostConfig: { NetworkMode: 'none' } });
    const pid = (await inspect(d.client, id)).State.Pid;
    await d.stop();
    expect(existsSync(d.socket)).toBe(false);
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(readFileSync(path.join(d.run, 'berthd.log'), 'utf8')).toContain('SIGTERM: stopping; containers keep running');
    await d.start();
    expect((await inspect(d.client, id)).State).toMatchObject({ Status: 'running', Pid: pid });
  });
});

describe('cgroup favordynmods at start-up', () => {
  it('turns the mode on through a hierarchy of its own that it unmounts again, unless told not to', async () => {
    const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
    const v1 = mountinfo.split('\n').some((l) => l.split(' - ')[1]?.startsWith('cgroup '));
    const d: Berthd = await startBerthd();
    cleanups.push(() => d.cleanup());
    const log = readFileSync(path.join(d.run, 'berthd.log'), 'utf8');
    if (v1) expect(log).toMatch(/cgroup favordynmods: (on|not available)/);
    // nothing of it is left: no mount, no directory
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain('berth-favordynmods');
    expect(readdirSync(d.run).filter((f) => f.startsWith('cgroup-favordynmods'))).toEqual([]);
    await d.stop();

    // BERTH_CGROUP_FAVORDYNMODS=false (as --cgroup-favordynmods=false): the host is left alone
    process.env.BERTH_CGROUP_FAVORDYNMODS = 'false';
    const left = await startBerthd().finally(() => delete process.env.BERTH_CGROUP_FAVORDYNMODS);
    cleanups.push(() => left.cleanup());
    expect(readFileSync(path.join(left.run, 'berthd.log'), 'utf8')).not.toContain('cgroup favordynmods');
    await left.stop();

    const off = spawnSync(process.execPath, [DAEMON_MAIN, '--host', `unix://${d.dir}/off.sock`, '--root', d.root, '--run', d.run, '--cgroup-favordynmods=maybe'], { encoding: 'utf8', timeout: 20_000 });
    expect(off.status).toBe(2);
    expect(off.stderr).toContain('--cgroup-favordynmods maybe: expected true or false');
  });
});

describe('connectEngine', () => {
  it('starts berthd on demand when its socket is absent, then talks to it', async () => {
    const dir = mkdtempSync('/tmp/bt-connect-');
    const env = { ...process.env, BERTH_ROOT: path.join(dir, 'root'), BERTH_RUN: path.join(dir, 'run'), BERTH_HOST: undefined, DOCKER_HOST: undefined };
    // a stale socket file nobody listens on counts as absent
    const socket = path.join(dir, 'run', 'berth.sock');
    spawnSync('mkdir', ['-p', path.dirname(socket)]);
    writeFileSync(socket, '');
    const client = await connectEngine({}, env);
    cleanups.push(async () => {
      const pid = Number(readFileSync(path.join(dir, 'run', 'berthd.pid'), 'utf8'));
      process.kill(pid, 'SIGTERM');
      await pollUntil(() => {
        try {
          process.kill(pid, 0);
          return undefined;
        } catch {
          return true;
        }
      }, 'berthd to stop');
      rmSync(dir, { recursive: true, force: true });
    });
    expect(client.socketPath).toBe(socket);
    expect(await client.ping()).toBe(true);
    const v = await client.request<{ ApiVersion: string }>('GET', '/version');
    expect(v.ApiVersion).toBe('1.41');
    // a second connect finds it running
    const again = await connectEngine({ host: `unix://${socket}` }, env);
    expect(await again.ping()).toBe(true);
    const conn = net.connect(socket);
    await new Promise((r) => conn.on('connect', r));
    conn.destroy();
  });

  it('refuses a non-unix DOCKER_HOST with a clear message', async () => {
    await expect(connectEngine({}, { ...process.env, BERTH_HOST: undefined, DOCKER_HOST: 'tcp://127.0.0.1:2375' })).rejects.toThrow(/only unix:\/\/ sockets/);
  });
});
