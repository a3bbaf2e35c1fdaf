import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BerthError } from '../../../src/errors.js';
import { readAll } from '../../../src/client/engine-client.js';
import { useLeakCheck } from '../../support/leaks.js';
import { demux, inspect, pollUntil, runContainer, useBerthd } from './berthd-harness.js';

useLeakCheck();

const d = useBerthd();

async function status(err: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await err;
  } catch (e) {
    if (e instanceof BerthError) return { status: Number(e.detail?.status ?? 0), message: e.message };
    throw e;
  }
  throw new Error('expected the request to fail');
}

describe('berthd system endpoints', () => {
  it('answers _ping, version and info in Docker shapes, with or without a version prefix', async () => {
    expect(await d.client.request('GET', '/_ping')).toBe('OK');
    const v = await d.client.request<Record<string, unknown>>('GET', '/version');
    expect(v).toMatchObject({ ApiVersion: '1.41', MinAPIVersion: '1.24', Os: 'linux', Arch: 'amd64', Version: '0.1.0' });
    const info = await d.client.request<Record<string, unknown>>('GET', '/info');
    expect(info).toMatchObject({ Driver: 'overlay2', CgroupDriver: 'cgroupfs', ServerVersion: '0.1.0', Images: 1 });
    expect(typeof info.NCPU).toBe('number');
    expect(typeof info.MemTotal).toBe('number');
  });
});

describe('containers', () => {
  it('creates, starts, waits, logs and removes a container', async () => {
    const { Id } = await d.client.request<{ Id: string; Warnings: string[] }>('POST', '/containers/create', { query: { name: 'one' }, body: { Image: 'bb', Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 4'], Env: ['A=1'], Labels: { k: 'v' } } });
    expect(Id).toMatch(/^[0-9a-f]{64}$/);
    const created = await inspect(d.client, 'one');
    expect(created.State.Status).toBe('created');
    expect(created.Name).toBe('/one');
    expect(created.Config.Env).toContain('A=1');
    const wait = d.client.request<{ StatusCode: number }>('POST', `/containers/${Id}/wait`, { query: { condition: 'next-exit' } });
    await d.client.request('POST', `/containers/${Id.slice(0, 12)}/start`);
    expect((await wait).StatusCode).toBe(4);
    const after = await inspect(d.client, Id);
    expect(after.State).toMatchObject({ Status: 'exited', ExitCode: 4, Running: false });
    const logs = await readAll(await d.client.stream('GET', `/containers/${Id}/logs`, { query: { stdout: 1, stderr: 1 } }));
    expect(demux(logs)).toEqual({ stdout: 'out\n', stderr: 'err\n' });
    const list = await d.client.request<{ Names: string[]; State: string; Status: string; Labels: Record<string, string> }[]>('GET', '/containers/json', { query: { all: 1, filters: JSON.stringify({ label: ['k=v'] }) } });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ Names: ['/one'], State: 'exited' });
    expect(list[0]?.Status).toMatch(/^Exited \(4\) /);
    await d.client.request('DELETE', `/containers/${Id}`);
    expect((await status(inspect(d.client, Id))).status).toBe(404);
  });

  it('stops with the stop signal, then SIGKILL after the timeout; 304 when already stopped', async () => {
    const id = await runContainer(d.client, { Cmd: ['sh', '-c', 'trap "exit 0" TERM; echo ready; while true; do sleep 0.1; done'] });
    // stop only once the trap is set (pid 1 ignores an unhandled SIGTERM)
    await pollUntil(async () => demux(await readAll(await d.client.stream('GET', `/containers/${id}/logs`, { query: { stdout: 1 } }))).stdout.includes('ready'), 'the trap');
    await d.client.request('POST', `/containers/${id}/stop`, { query: { t: 5 } });
    expect((await inspect(d.client, id)).State.ExitCode).toBe(0);
    const res = await d.client.stream('POST', `/containers/${id}/stop`);
    expect(res.statusCode).toBe(304);
    await readAll(res);
    // sh as pid 1 ignores SIGTERM: the kill after t=1 ends it
    const stubborn = await runContainer(d.client, { Cmd: ['sleep', '60'] });
    await d.client.request('POST', `/containers/${stubborn}/stop`, { query: { t: 1 } });
    expect((await inspect(d.client, stubborn)).State.ExitCode).toBe(137);
    const again = await d.client.stream('POST', `/containers/${stubborn}/start`);
    expect(again.statusCode).toBe(204);
    await readAll(again);
    const twice = await d.client.stream('POST', `/containers/${stubborn}/start`);
    expect(twice.statusCode).toBe(304);
    await readAll(twice);
    await d.client.request('POST', `/containers/${stubborn}/kill`, { query: { signal: 'SIGKILL' } });
    await pollUntil(async () => !(await inspect(d.client, stubborn)).State.Running, 'the kill');
  });

  it('refuses bad requests with 400s and clear messages, name conflicts with 409, unknown images with 404', async () => {
    const bad = async (body: unknown): Promise<{ status: number; message: string }> => status(d.client.request('POST', '/containers/create', { body }));
    expect(await bad({})).toMatchObject({ status: 400, message: expect.stringContaining('Image') });
    expect(await bad({ Image: 'bb', Cmd: 5 })).toMatchObject({ status: 400, message: 'Config.Cmd must be a list of strings' });
    expect(await bad({ Image: 'bb', HostConfig: { RestartPolicy: { Name: 'sometimes' } } })).toMatchObject({ status: 400, message: expect.stringContaining('restart policy') });
    expect(await bad({ Image: 'bb', HostConfig: { Memory: 'lots' } })).toMatchObject({ status: 400, message: 'HostConfig.Memory must be a number' });
    expect(await bad({ Image: 'bb', HostConfig: { Mounts: [{ Type: 'bind', Target: 'relative' }] } })).toMatchObject({ status: 400 });
    expect(await bad({ Image: 'nope:latest' })).toMatchObject({ status: 404, message: 'No such image: nope:latest' });
    const raw = await d.client.stream('POST', '/containers/create', { rawBody: Buffer.from('{not json'), contentType: 'application/json' }).catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(BerthError);
    expect((await status(d.client.request('POST', '/containers/create', { query: { name: 'bad name!' }, body: { Image: 'bb', Cmd: ['true'] } }))).status).toBe(400);
    await d.client.request('POST', '/containers/create', { query: { name: 'dup' }, body: { Image: 'bb', Cmd: ['true'] } });
    expect((await status(d.client.request('POST', '/containers/create', { query: { name: 'dup' }, body: { Image: 'bb', Cmd: ['true'] } }))).status).toBe(409);
    expect((await status(d.client.request('POST', '/containers/dup/wait', { query: { condition: 'whenever' } }))).status).toBe(400);
    await d.client.request('DELETE', '/containers/dup');
  });

  it('execs inside a running container, with output and exit code', async () => {
    const id = await runContainer(d.client, { Cmd: ['sleep', '60'] }, 'execer');
    const { Id: execId } = await d.client.request<{ Id: string }>('POST', `/containers/${id}/exec`, { body: { Cmd: ['sh', '-c', 'echo $X; echo oops >&2; exit 3'], Env: ['X=hello'], AttachStdout: true, AttachStderr: true } });
    const { socket, head } = await d.client.hijack('POST', `/exec/${execId}/start`, { body: { Detach: false, Tty: false } });
    const out = Buffer.concat([head, await readAll(socket)]);
    expect(demux(out)).toEqual({ stdout: 'hello\n', stderr: 'oops\n' });
    const ins = await d.client.request<{ ExitCode: number; Running: boolean }>('GET', `/exec/${execId}/json`);
    expect(ins).toMatchObject({ ExitCode: 3, Running: false });
    const top = await d.client.request<{ Titles: string[]; Processes: string[][] }>('GET', `/containers/${id}/top`);
    expect(top.Titles).toContain('PID');
    expect(top.Processes.some((p) => p.join(' ').includes('sleep 60'))).toBe(true);
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
  });

  it('pauses, unpauses, renames and updates a container', async () => {
    const id = await runContainer(d.client, { Cmd: ['sleep', '60'] }, 'before');
    await d.client.request('POST', `/containers/${id}/pause`);
    expect((await inspect(d.client, id)).State).toMatchObject({ Status: 'paused', Paused: true });
    await d.client.request('POST', `/containers/${id}/unpause`);
    expect((await inspect(d.client, id)).State.Status).toBe('running');
    await d.client.request('POST', `/containers/${id}/rename`, { query: { name: 'after' } });
    expect((await inspect(d.client, 'after')).Id).toBe(id);
    await d.client.request('POST', `/containers/${id}/update`, { body: { Memory: 64 * 1024 * 1024, PidsLimit: 50 } });
    const hc = await d.client.request<{ HostConfig: { Memory: number; PidsLimit: number } }>('GET', `/containers/${id}/json`);
    expect(hc.HostConfig).toMatchObject({ Memory: 64 * 1024 * 1024, PidsLimit: 50 });
    // the running container's cgroup has the new limits
    const { existsSync, readFileSync } = await import('node:fs');
    const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
    const memFile = v2 ? `/sys/fs/cgroup/berth/${id}/memory.max` : `/sys/fs/cgroup/memory/berth/${id}/memory.limit_in_bytes`;
    const pidsFile = v2 ? `/sys/fs/cgroup/berth/${id}/pids.max` : `/sys/fs/cgroup/pids/berth/${id}/pids.max`;
    expect(readFileSync(memFile, 'utf8').trim()).toBe(String(64 * 1024 * 1024));
    expect(readFileSync(pidsFile, 'utf8').trim()).toBe('50');
    // -1 is unlimited: dockerd keeps null, and the cgroup's limit goes
    await d.client.request('POST', `/containers/${id}/update`, { body: { PidsLimit: -1 } });
    expect((await d.client.request<{ HostConfig: Record<string, unknown> }>('GET', `/containers/${id}/json`)).HostConfig).toMatchObject({ PidsLimit: null, CgroupnsMode: 'host', IpcMode: 'private' });
    expect(readFileSync(pidsFile, 'utf8').trim()).toBe('max');
    expect((await status(d.client.request('DELETE', `/containers/${id}`))).status).toBe(409);
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
  });

  it('copies files in and out through the archive endpoint, refusing escapes', async () => {
    const id = await runContainer(d.client, { Cmd: ['sleep', '60'] });
    const tarStream = await d.client.stream('GET', `/containers/${id}/archive`, { query: { path: '/etc/passwd' } });
    const stat = JSON.parse(Buffer.from(String(tarStream.headers['x-docker-container-path-stat']), 'base64').toString('utf8')) as { name: string; size: number };
    expect(stat.name).toBe('passwd');
    const tar = await readAll(tarStream);
    expect(tar.toString('latin1')).toContain('root:x:0:0');
    const { pack } = await import('tar-stream');
    const p = pack();
    p.entry({ name: 'hello.txt', mode: 0o644 }, 'copied in\n');
    p.entry({ name: '../../escape.txt', mode: 0o644 }, 'nope\n');
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p) chunks.push(Buffer.from(c as Uint8Array));
    const err = await status(d.client.request('PUT', `/containers/${id}/archive`, { query: { path: '/tmp' }, rawBody: Buffer.concat(chunks) }));
    expect(err.status).toBe(400);
    expect(err.message).toContain('outside');
    const { Id: execId } = await d.client.request<{ Id: string }>('POST', `/containers/${id}/exec`, { body: { Cmd: ['cat', '/tmp/hello.txt'], AttachStdout: true } });
    const { socket, head } = await d.client.hijack('POST', `/exec/${execId}/start`, { body: {} });
    expect(demux(Buffer.concat([head, await readAll(socket)])).stdout).toBe('copied in\n');
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
  });

  it("unmounts a stopped container's rootfs, as dockerd does; its next start and docker cp mount it again, and its files stay", async () => {
    const rootfsMounted = (id: string): boolean => readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${d.root}/containers/${id}/rootfs `);
    const { Id: id } = await d.client.request<{ Id: string }>('POST', '/containers/create', { body: { Image: 'bb', Cmd: ['sh', '-c', 'cat /kept 2>/dev/null; echo run >> /kept'] } });
    const run = async (): Promise<string> => {
      const waited = d.client.request<{ StatusCode: number }>('POST', `/containers/${id}/wait`, { query: { condition: 'next-exit' } });
      await d.client.request('POST', `/containers/${id}/start`);
      expect((await waited).StatusCode).toBe(0);
      await pollUntil(() => (rootfsMounted(id) ? undefined : true), 'the unmount after the exit');
      return demux(await readAll(await d.client.stream('GET', `/containers/${id}/logs`, { query: { stdout: 1 } }))).stdout;
    };
    // Mounted at create (berthd's premount), for the start.
    await pollUntil(() => (rootfsMounted(id) ? true : undefined), 'the mount at create');
    expect(await run()).toBe('');
    expect(await run()).toBe('run\n');
    // docker cp in and out of the stopped container: mounted for the copy only.
    const tar = await readAll(await d.client.stream('GET', `/containers/${id}/archive`, { query: { path: '/kept' } }));
    expect(tar.toString('latin1')).toContain('run\nrun\n');
    // (unmounted once the response is done: just after the client has read it)
    await pollUntil(() => (rootfsMounted(id) ? undefined : true), 'the unmount after the copy out');
    const { pack } = await import('tar-stream');
    const p = pack();
    p.entry({ name: 'kept', mode: 0o644 }, 'copied\n');
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p) chunks.push(Buffer.from(c as Uint8Array));
    await d.client.request('PUT', `/containers/${id}/archive`, { query: { path: '/' }, rawBody: Buffer.concat(chunks) });
    expect(rootfsMounted(id)).toBe(false);
    // (the logs of all three runs: the third saw the file copied in)
    expect(await run()).toBe('run\ncopied\n');
    await d.client.request('DELETE', `/containers/${id}`);
  });

  it('creates volumes, fills a named volume from the image, refuses to remove one in use', async () => {
    const vol = await d.client.request<{ Name: string; Mountpoint: string; Labels: Record<string, string> }>('POST', '/volumes/create', { body: { Name: 'data', Labels: { a: 'b' } } });
    expect(vol).toMatchObject({ Name: 'data', Labels: { a: 'b' } });
    const id = await runContainer(d.client, { Cmd: ['sh', '-c', 'ls /etc > /etc/listing; sleep 60'], HostConfig: { Binds: ['data:/etc'] } });
    await pollUntil(async () => {
      const v = await d.client.request<{ Volumes: { Name: string }[] }>('GET', '/volumes', { query: { filters: JSON.stringify({ name: ['data'] }) } });
      return v.Volumes.length === 1;
    }, 'the volume in the list');
    const { readFile } = await import('node:fs/promises');
    // Docker copies the image's /etc into a fresh volume before the container runs.
    // the shell creates the file before ls writes to it: wait for the content
    const listing = await pollUntil(async () => {
      const text = await readFile(`${vol.Mountpoint}/listing`, 'utf8').catch(() => '');
      return text.includes('\n') ? text : undefined;
    }, 'the listing');
    expect(listing).toContain('passwd');
    expect((await status(d.client.request('DELETE', '/volumes/data'))).status).toBe(409);
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
    await d.client.request('DELETE', '/volumes/data');
    expect((await status(d.client.request('GET', '/volumes/data'))).status).toBe(404);
  });

  it('removes anonymous volumes with the container when asked (v=1)', async () => {
    const { Id } = await d.client.request<{ Id: string }>('POST', '/containers/create', { body: { Image: 'bb', Cmd: ['true'], HostConfig: { Mounts: [{ Type: 'volume', Target: '/scratch' }] } } });
    const ins = await inspect(d.client, Id);
    const anon = ins.Mounts.find((m) => m.Destination === '/scratch')?.Name ?? '';
    expect(anon).toMatch(/^[0-9a-f]{64}$/);
    await d.client.request('DELETE', `/containers/${Id}`, { query: { v: 1 } });
    expect((await status(d.client.request('GET', `/volumes/${anon}`))).status).toBe(404);
  });

  it('streams events with filters and replays the past with since', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const id = await runContainer(d.client, { Cmd: ['true'] }, 'evented');
    await d.client.request('POST', `/containers/${id}/wait`);
    const res = await d.client.stream('GET', '/events', { query: { since: String(since), until: String(Math.ceil(Date.now() / 1000) + 1), filters: JSON.stringify({ container: ['evented'] }) } });
    const lines = (await readAll(res)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { Action: string; Actor: { Attributes: Record<string, string> }; status: string });
    const actions = lines.map((l) => l.Action);
    expect(actions).toEqual(expect.arrayContaining(['create', 'start', 'die']));
    expect(actions.indexOf('create')).toBeLessThan(actions.indexOf('start'));
    expect(lines.find((l) => l.Action === 'die')?.Actor.Attributes.exitCode).toBe('0');
    expect(lines[0]?.status).toBe(lines[0]?.Action);
    // The network's side, as dockerd's: connect at the start, disconnect once it exited.
    const net = await d.client.stream('GET', '/events', { query: { since: String(since), until: String(Math.ceil(Date.now() / 1000) + 1), filters: JSON.stringify({ type: ['network'], network: ['bridge'] }) } });
    const mine = (await readAll(net)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { Action: string; Actor: { ID: string; Attributes: Record<string, string> } }).filter((l) => l.Actor.Attributes.container === id);
    expect(mine.map((l) => [l.Action, l.Actor.Attributes.name, l.Actor.Attributes.type])).toEqual([
      ['connect', 'bridge', 'bridge'],
      ['disconnect', 'bridge', 'bridge'],
    ]);
    await d.client.request('DELETE', `/containers/${id}`);
  });
});

describe("dockerd 20.10's answers (measured against it)", () => {
  it('kill of a stopped container names it as asked; a rename onto a taken name; a network still in use is 403', async () => {
    const statusOf = (p: Promise<unknown>) => p.then(() => ({ status: 200, message: '' }), (err: { message: string; detail?: { status?: number } }) => ({ status: err.detail?.status, message: err.message }));
    const { Id: a } = await d.client.request<{ Id: string }>('POST', '/containers/create', { query: { name: 'dd-a' }, body: { Image: 'bb', Cmd: ['sleep', '60'] } });
    await d.client.request('POST', '/containers/create', { query: { name: 'dd-b' }, body: { Image: 'bb', Cmd: ['true'] } });
    expect(await statusOf(d.client.request('POST', '/containers/dd-b/kill'))).toEqual({ status: 409, message: expect.stringMatching(/^Cannot kill container: dd-b: Container [0-9a-f]{64} is not running$/) });
    expect(await statusOf(d.client.request('POST', '/containers/dd-a/rename', { query: { name: 'dd-b' } }))).toEqual({ status: 409, message: expect.stringMatching(/^Error when allocating new name: Conflict\. The container name "\/dd-b" is already in use/) });
    await d.client.request('POST', '/networks/create', { body: { Name: 'dd-net' } });
    await d.client.request('POST', '/networks/dd-net/connect', { body: { Container: 'dd-a' } });
    // As at create: Docker's own bridge takes no aliases (an address there: connect-stopped.test.ts).
    expect(await statusOf(d.client.request('POST', '/networks/bridge/connect', { body: { Container: 'dd-b', EndpointConfig: { Aliases: ['x'] } } }))).toEqual({ status: 400, message: 'network-scoped alias is supported only for containers in user defined networks' });
    await d.client.request('POST', `/containers/${a}/start`);
    expect(await statusOf(d.client.request('DELETE', '/networks/dd-net'))).toEqual({ status: 403, message: expect.stringContaining('has active endpoints') });
    // dockerd's plain errors (500): an unpause of a container not paused, a ps that fails.
    expect(await statusOf(d.client.request('POST', '/containers/dd-a/unpause'))).toEqual({ status: 500, message: `Container ${a} is not paused` });
    expect(await statusOf(d.client.request('GET', '/containers/dd-a/top', { query: { ps_args: '--no-such-option' } }))).toEqual({ status: 500, message: expect.stringMatching(/^Error running ps: /) });
    expect(await statusOf(d.client.request('POST', '/containers/create', { body: { Image: 'bb' } }))).toEqual({ status: 400, message: 'No command specified' });
    // dockerd checks the image and the command before the name: a taken name is not what is reported.
    expect(await statusOf(d.client.request('POST', '/containers/create', { query: { name: 'dd-a' }, body: { Image: 'bb' } }))).toEqual({ status: 400, message: 'No command specified' });
    expect(await statusOf(d.client.request('POST', '/containers/create', { query: { name: 'dd-a' }, body: { Image: 'no-such-image', Cmd: ['true'] } }))).toEqual({ status: 404, message: expect.stringMatching(/^No such image: no-such-image/) });
    expect(await statusOf(d.client.request('POST', '/containers/create', { query: { name: 'dd-a' }, body: { Image: 'bb', Cmd: ['true'] } }))).toEqual({ status: 409, message: expect.stringMatching(/^Conflict\. The container name "\/dd-a" is already in use/) });
    for (const c of ['dd-a', 'dd-b']) await d.client.request('DELETE', `/containers/${c}`, { query: { force: 1 } });
    await d.client.request('DELETE', '/networks/dd-net');
  });
});

describe('container list filters', () => {
  it('filters by status, name, ancestor, id and label', async () => {
    const a = await runContainer(d.client, { Cmd: ['sleep', '60'], Labels: { role: 'a' }, HostConfig: { NetworkMode: 'none' } }, 'filter-a');
    const { Id: b } = await d.client.request<{ Id: string }>('POST', '/containers/create', { query: { name: 'filter-b' }, body: { Image: 'bb', Cmd: ['true'], Labels: { role: 'b' } } });
    const names = async (filters: Record<string, string[]>, all = 1): Promise<string[]> =>
      (await d.client.request<{ Names: string[] }[]>('GET', '/containers/json', { query: { all, filters: JSON.stringify(filters) } })).map((c) => c.Names[0] ?? '').sort();
    expect(await names({ status: ['running'], name: ['filter-'] })).toEqual(['/filter-a']);
    expect(await names({ status: ['created'] })).toEqual(['/filter-b']);
    expect(await names({ name: ['^/filter-b$'] })).toEqual(['/filter-b']);
    expect(await names({ ancestor: ['bb'], label: ['role'] })).toEqual(['/filter-a', '/filter-b']);
    expect(await names({ id: [b.slice(0, 10)] })).toEqual(['/filter-b']);
    expect(await names({ label: ['role=a'] }, 0)).toEqual(['/filter-a']);
    expect(await names({ label: ['role=b'] }, 0)).toEqual([]);
    await d.client.request('DELETE', `/containers/${a}`, { query: { force: 1 } });
    await d.client.request('DELETE', `/containers/${b}`);
  });
});

describe('volumes with driver options', () => {
  it('mounts a type=none,o=bind volume on first use and unmounts it on removal, keeping the device', async () => {
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
    const device = mkdtempSync('/tmp/bt-device-');
    writeFileSync(`${device}/seed`, 'from the host\n');
    try {
      await d.client.request('POST', '/volumes/create', { body: { Name: 'bound', DriverOpts: { type: 'none', o: 'bind', device } } });
      const id = await runContainer(d.client, { Cmd: ['sh', '-c', 'cat /data/seed; echo written > /data/out'], HostConfig: { NetworkMode: 'none', Binds: ['bound:/data'] } });
      expect((await d.client.request<{ StatusCode: number }>('POST', `/containers/${id}/wait`)).StatusCode).toBe(0);
      const logs = demux(await readAll(await d.client.stream('GET', `/containers/${id}/logs`, { query: { stdout: 1 } })));
      expect(logs.stdout).toBe('from the host\n');
      expect(readFileSync(`${device}/out`, 'utf8')).toBe('written\n');
      await d.client.request('DELETE', `/containers/${id}`);
      await d.client.request('DELETE', '/volumes/bound');
      // the volume is gone, the host directory and its files are not
      expect(readFileSync(`${device}/seed`, 'utf8')).toBe('from the host\n');
    } finally {
      rmSync(device, { recursive: true, force: true });
    }
  });
});
