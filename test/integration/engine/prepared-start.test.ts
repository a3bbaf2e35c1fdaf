import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareStartPath, START_NEXT_HEADER } from '../../../src/api-extensions.js';
import { readAll } from '../../../src/client/engine-client.js';
import { useLeakCheck } from '../../support/leaks.js';
import { demux, inspect, pollUntil, useBerthd } from './berthd-harness.js';

// A start announced at create (berth's `container run` sends START_NEXT_HEADER) is prepared
// before its request: the shim and the container's process exist, waiting. Until the start
// nothing of it shows; anything else done to the container, a TTL, berthd stopping or dying
// undo it, and nothing is left behind (the leak check).

useLeakCheck();

const TTL_MS = 1500;
const d = useBerthd({ env: { BERTH_PREPARED_TTL_MS: String(TTL_MS) } });

async function createAnnounced(body: Record<string, unknown>, name?: string): Promise<string> {
  const { Id } = await d.client.request<{ Id: string }>('POST', '/containers/create', {
    query: { name },
    body: { Image: 'bb', ...body },
    headers: { [START_NEXT_HEADER]: '1' },
  });
  return Id;
}

/** The pid of the prepared start's shim, once it is there. */
function preparedShim(id: string): Promise<number> {
  const file = path.join(d.run, 'c', id, 'shim.pid');
  return pollUntil(() => (existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) || undefined : undefined), 'the prepared start');
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const gone = (pid: number, what: string): Promise<true> => pollUntil(() => !alive(pid) || undefined, what, 10_000);

/** The container's network events from `since` until now (an `until` in the past: the stream ends at once, well within the TTL). */
async function networkEvents(since: number, id: string): Promise<string[]> {
  const res = await d.client.stream('GET', '/events', { query: { since: String(since), until: (Date.now() / 1000).toFixed(3), filters: JSON.stringify({ type: ['network'] }) } });
  const text = (await readAll(res)).toString('utf8').trim();
  if (text === '') return [];
  return text
    .split('\n')
    .map((l) => JSON.parse(l) as { Action: string; Actor: { Attributes: Record<string, string> } })
    .filter((e) => e.Actor.Attributes.container === id)
    .map((e) => e.Action);
}

describe('a start prepared at create', () => {
  it('stays unseen until the start, which runs the command with its output attached', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const id = await createAnnounced({ Cmd: ['sh', '-c', 'echo "up as $(hostname)"; exit 3'], AttachStdout: true, AttachStderr: true });
    const shim = await preparedShim(id);
    expect(alive(shim)).toBe(true);
    const before = await inspect(d.client, id);
    expect(before.State).toMatchObject({ Status: 'created', Running: false, Pid: 0 });
    expect(await networkEvents(since, id)).toEqual([]);

    const { socket, head } = await d.client.hijack('POST', `/containers/${id}/attach`, { query: { stream: 1, stdout: 1, stderr: 1 } });
    const output = new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [head];
      socket.on('data', (b: Buffer) => chunks.push(b));
      socket.on('end', () => resolve(Buffer.concat(chunks)));
    });
    const waited = d.client.request<{ StatusCode: number }>('POST', `/containers/${id}/wait`, { query: { condition: 'next-exit' } });
    await d.client.request('POST', `/containers/${id}/start`);
    expect((await waited).StatusCode).toBe(3);
    expect(demux(await output).stdout).toBe(`up as ${id.slice(0, 12)}\n`);
    // The prepared shim ran it: no second one was made.
    expect(Number(readFileSync(path.join(d.run, 'c', id, 'shim.pid'), 'utf8').trim())).toBe(shim);
    // Its network's events came with the start, as for any start (the disconnect follows the exit's waiters).
    expect(await pollUntil(async () => ((await networkEvents(since, id)).length === 2 ? networkEvents(since, id) : undefined), 'the disconnect')).toEqual(['connect', 'disconnect']);
    await d.client.request('DELETE', `/containers/${id}`);
  });

  it('is undone by a rename, and the start that follows uses the new name', async () => {
    await d.client.request('POST', '/networks/create', { body: { Name: 'prep-net' } });
    const id = await createAnnounced({ Cmd: ['sleep', '30'], HostConfig: { NetworkMode: 'prep-net' } }, 'prep-old');
    const shim = await preparedShim(id);
    await d.client.request('POST', `/containers/${id}/rename`, { query: { name: 'prep-new' } });
    await gone(shim, 'the prepared shim to go');
    await d.client.request('POST', `/containers/${id}/start`);
    const { Id: probe } = await d.client.request<{ Id: string }>('POST', '/containers/create', { body: { Image: 'bb', Cmd: ['sh', '-c', 'nslookup prep-new >/dev/null && ! nslookup prep-old >/dev/null 2>&1'], HostConfig: { NetworkMode: 'prep-net' } } });
    const waited = d.client.request<{ StatusCode: number }>('POST', `/containers/${probe}/wait`, { query: { condition: 'next-exit' } });
    await d.client.request('POST', `/containers/${probe}/start`);
    expect((await waited).StatusCode).toBe(0);
    for (const c of [id, probe]) await d.client.request('DELETE', `/containers/${c}`, { query: { force: 1 } });
    await d.client.request('DELETE', '/networks/prep-net');
  });

  it('is undone when no start comes within its TTL, or by a removal', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const waiting = await createAnnounced({ Cmd: ['true'] });
    const removed = await createAnnounced({ Cmd: ['true'] });
    const [shimA, shimB] = await Promise.all([preparedShim(waiting), preparedShim(removed)]);
    await d.client.request('DELETE', `/containers/${removed}`);
    expect(alive(shimB)).toBe(false);
    await gone(shimA, 'the TTL to undo the prepared start');
    // Never started: no network events at all.
    expect(await networkEvents(since, waiting)).toEqual([]);
    expect((await inspect(d.client, waiting)).State.Status).toBe('created');
    // A start after that does the whole start itself.
    const waited = d.client.request<{ StatusCode: number }>('POST', `/containers/${waiting}/wait`, { query: { condition: 'next-exit' } });
    await d.client.request('POST', `/containers/${waiting}/start`);
    expect((await waited).StatusCode).toBe(0);
    await d.client.request('DELETE', `/containers/${waiting}`);
  });

  it('is undone by a berthd that stops, and by the next berthd after one that was killed', async () => {
    const a = await createAnnounced({ Cmd: ['true'] });
    const shimA = await preparedShim(a);
    await d.stop();
    expect(alive(shimA)).toBe(false);
    await d.start();
    const b = await createAnnounced({ Cmd: ['true'] });
    const shimB = await preparedShim(b);
    await d.kill9();
    expect(alive(shimB)).toBe(true);
    await d.start();
    await gone(shimB, 'the restarted berthd to undo the prepared start');
    for (const id of [a, b]) {
      expect((await inspect(d.client, id)).State.Status).toBe('created');
      await d.client.request('DELETE', `/containers/${id}`);
    }
  });

  it('left by a berthd killed together with its shim, is undone by the next berthd, and the container starts', async () => {
    const id = await createAnnounced({ Cmd: ['sh', '-c', 'echo fine'] });
    const shim = await preparedShim(id);
    await d.kill9();
    process.kill(shim, 'SIGKILL');
    await gone(shim, 'the shim to die');
    await d.start();
    // Its sandbox was still on record: the start would find one there if restore had kept it.
    const waited = d.client.request<{ StatusCode: number }>('POST', `/containers/${id}/wait`, { query: { condition: 'next-exit' } });
    await d.client.request('POST', `/containers/${id}/start`);
    expect((await waited).StatusCode).toBe(0);
    await d.client.request('DELETE', `/containers/${id}`);
  });
});

describe('a start announced after create (POST /containers/{id}/prepare-start, compose\'s up)', () => {
  it('prepares the start, which the start uses; not one with a named volume the start may fill', async () => {
    const { Id: id } = await d.client.request<{ Id: string }>('POST', '/containers/create', { body: { Image: 'bb', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } } });
    expect(await d.client.request('POST', prepareStartPath(id))).toBeUndefined();
    const shim = await preparedShim(id);
    expect((await inspect(d.client, id)).State).toMatchObject({ Status: 'created', Pid: 0 });
    const waited = d.client.request<{ StatusCode: number }>('POST', `/containers/${id}/wait`, { query: { condition: 'next-exit' } });
    await d.client.request('POST', `/containers/${id}/start`);
    expect((await waited).StatusCode).toBe(0);
    expect(Number(readFileSync(path.join(d.run, 'c', id, 'shim.pid'), 'utf8').trim())).toBe(shim);
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });

    // Filled only if still empty at the start (another container may write first, as in Docker): not prepared early.
    const { Id: withVolume } = await d.client.request<{ Id: string }>('POST', '/containers/create', {
      body: { Image: 'bb', Cmd: ['true'], HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: 'prep-vol', Target: '/bin' }] } },
    });
    await d.client.request('POST', prepareStartPath(withVolume));
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(path.join(d.run, 'c', withVolume, 'shim.pid'))).toBe(false);
    await d.client.request('DELETE', `/containers/${withVolume}`, { query: { force: 1, v: 1 } });
    await d.client.request('DELETE', '/volumes/prep-vol');
  });

  it('is a no-op for a running container, and 404 for an unknown one', async () => {
    const { Id: id } = await d.client.request<{ Id: string }>('POST', '/containers/create', { body: { Image: 'bb', Cmd: ['sleep', '30'], HostConfig: { NetworkMode: 'none' } } });
    await d.client.request('POST', `/containers/${id}/start`);
    await d.client.request('POST', prepareStartPath(id));
    expect((await inspect(d.client, id)).State).toMatchObject({ Status: 'running' });
    await expect(d.client.request('POST', prepareStartPath('no-such-container'))).rejects.toMatchObject({ detail: { status: 404 } });
    await d.client.request('DELETE', `/containers/${id}`, { query: { force: 1 } });
  });
});
