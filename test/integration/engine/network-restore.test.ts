import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { readAll } from '../../../src/client/engine-client.js';
import { useLeakCheck } from '../../support/leaks.js';
import { demux, inspect, pollUntil, runContainer, useBerthd } from './berthd-harness.js';

useLeakCheck();

const d = useBerthd();

async function execOut(id: string, cmd: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const { Id } = await d.client.request<{ Id: string }>('POST', `/containers/${id}/exec`, { body: { Cmd: cmd, AttachStdout: true, AttachStderr: true } });
  const { socket, head } = await d.client.hijack('POST', `/exec/${Id}/start`, { body: {} });
  const out = demux(Buffer.concat([head, await readAll(socket)]));
  const { ExitCode } = await d.client.request<{ ExitCode: number }>('GET', `/exec/${Id}/json`);
  return { ...out, code: ExitCode };
}

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/index.html' }, (res) => {
      void readAll(res).then((b) => resolve(b.toString('utf8')), reject);
    }).on('error', reject);
  });
}

describe('networking', () => {
  it('lets two containers on a user network reach each other by name and alias', async () => {
    await d.client.request('POST', '/networks/create', { body: { Name: 'appnet' } });
    const server = await runContainer(d.client, { Cmd: ['httpd', '-f', '-p', '8080', '-h', '/www'], HostConfig: { NetworkMode: 'appnet' }, NetworkingConfig: { EndpointsConfig: { appnet: { Aliases: ['web'] } } } }, 'srv');
    const client = await runContainer(d.client, { Cmd: ['sleep', '60'], HostConfig: { NetworkMode: 'appnet' } }, 'cli');
    const ip = (await inspect(d.client, server)).NetworkSettings.Networks.appnet?.IPAddress ?? '';
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const host of ['srv', 'web']) {
      const r = await pollUntil(async () => {
        const out = await execOut(client, ['wget', '-q', '-O', '-', `http://${host}:8080/index.html`]);
        return out.code === 0 ? out : undefined;
      }, `wget http://${host}:8080`);
      expect(r.stdout).toBe('busybox rootfs\n');
    }
    await d.client.request('DELETE', `/containers/${server}`, { query: { force: 1 } });
    await d.client.request('DELETE', `/containers/${client}`, { query: { force: 1 } });
    await d.client.request('DELETE', '/networks/appnet');
  });

  it('publishes a container port on the host', async () => {
    const id = await runContainer(d.client, { Cmd: ['httpd', '-f', '-p', '80', '-h', '/www'], ExposedPorts: { '80/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } } });
    const ports = (await inspect(d.client, id)).NetworkSettings.Ports['80/tcp'] ?? [];
    const port = Number(ports[0]?.HostPort);
    expect(port).toBeGreaterThan(0);
    expect(await pollUntil(() => httpGet(port).catch(() => undefined), 'the published port')).toBe('busybox rootfs\n');
    const list = await d.client.request<{ Ports: { PrivatePort: number; PublicPort?: number }[] }[]>('GET', '/containers/json', { query: { filters: JSON.stringify({ id: [id] }) } });
    expect(list[0]?.Ports).toEqual(expect.arrayContaining([expect.objectContaining({ PrivatePort: 80, PublicPort: port })]));
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
  });
});

describe('live restore', () => {
  it('keeps containers running across kill -9 of berthd and picks them up again', async () => {
    const id = await runContainer(d.client, { Cmd: ['sh', '-c', 'echo started; trap "echo bye; exit 0" TERM; while true; do sleep 0.1; done'] }, 'survivor');
    const quick = await runContainer(d.client, { Cmd: ['sh', '-c', 'read x; exit 5'], OpenStdin: true, HostConfig: { NetworkMode: 'none' } }, 'quick');
    const pid = (await inspect(d.client, id)).State.Pid;
    expect(pid).toBeGreaterThan(0);
    await d.kill9();
    // the container's process outlives the engine
    expect(() => process.kill(pid, 0)).not.toThrow();
    // while berthd is down, `quick` exits (SIGKILL from outside: its shim records the exit)
    const quickPid = Number((await import('node:fs')).readFileSync(`${d.run}/c/${quick}/init.pid`, 'utf8').trim());
    process.kill(quickPid, 'SIGKILL');
    await d.start();
    const back = await inspect(d.client, 'survivor');
    expect(back.State).toMatchObject({ Status: 'running', Pid: pid });
    const gone = await pollUntil(async () => {
      const s = await inspect(d.client, 'quick');
      return s.State.Status === 'exited' ? s : undefined;
    }, 'quick exited');
    expect(gone.State.ExitCode).toBe(137);
    const list = await d.client.request<{ Id: string }[]>('GET', '/containers/json');
    expect(list.map((c) => c.Id)).toContain(id);
    const logs = demux(await readAll(await d.client.stream('GET', `/containers/${id}/logs`, { query: { stdout: 1 } })));
    expect(logs.stdout).toContain('started');
    await d.client.request('POST', `/containers/${id}/stop`, { query: { t: 5 } });
    const stopped = await inspect(d.client, id);
    expect(stopped.State).toMatchObject({ Status: 'exited', ExitCode: 0 });
    const after = demux(await readAll(await d.client.stream('GET', `/containers/${id}/logs`, { query: { stdout: 1 } })));
    expect(after.stdout).toContain('bye');
    await d.client.request('DELETE', `/containers/${id}`);
    await d.client.request('DELETE', `/containers/${quick}`);
  });

  it('unmounts at its start the rootfs of a stopped container that a killed berthd left mounted', async () => {
    const { execFileSync } = await import('node:child_process');
    const { readFileSync } = await import('node:fs');
    const id = await runContainer(d.client, { Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
    const rootfs = `${d.root}/containers/${id}/rootfs`;
    const mounted = (): boolean => readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${rootfs} `);
    await pollUntil(async () => ((await inspect(d.client, id)).State.Status === 'exited' && !mounted() ? true : undefined), 'the exit and its unmount');
    await d.kill9();
    // As a berthd killed between the exit and the unmount leaves it.
    execFileSync('mount', ['-t', 'tmpfs', 'left', rootfs]);
    await d.start();
    await pollUntil(() => (mounted() ? undefined : true), 'the unmount at restore');
    await d.client.request('DELETE', `/containers/${id}`);
  });

  it('serves a published port again after berthd restarts', async () => {
    const id = await runContainer(d.client, { Cmd: ['httpd', '-f', '-p', '80', '-h', '/www'], HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } } });
    const port = Number((await inspect(d.client, id)).NetworkSettings.Ports['80/tcp']?.[0]?.HostPort);
    expect(await pollUntil(() => httpGet(port).catch(() => undefined), 'the published port')).toBe('busybox rootfs\n');
    await d.kill9();
    await d.start();
    expect(await pollUntil(() => httpGet(port).catch(() => undefined), 'the published port after the restart')).toBe('busybox rootfs\n');
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
  });

  it('brings `always` containers back when berthd starts again after a stop', async () => {
    const id = await runContainer(d.client, { Cmd: ['sleep', '60'], HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'always' } } });
    await d.stop();
    // SIGTERM leaves containers running: kill it behind berthd's back to see it come back
    const pidFile = `${d.run}/c/${id}/init.pid`;
    const { readFileSync } = await import('node:fs');
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
    await pollUntil(() => (readFileSync(`${d.run}/c/${id}/exit.json`, 'utf8') ? true : undefined), 'exit.json');
    await d.start();
    const s = await pollUntil(async () => {
      const c = await inspect(d.client, id);
      return c.State.Status === 'running' ? c : undefined;
    }, 'the always container running again');
    expect(s.RestartCount).toBeGreaterThanOrEqual(1);
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
  });
});
