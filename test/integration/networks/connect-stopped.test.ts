import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useLeakCheck } from '../../support/leaks.js';
import { inspect, pollUntil, runClient, useBerthd, type Run } from '../engine/berthd-harness.js';

// `network connect` / `disconnect` of containers that do not run (issue #4), with the
// Docker CLI as a peer and berth's own CLI: the endpoint is recorded and applied at the
// next start; a running container's connect/disconnect outlives stop/start and a berthd
// restart; Docker's errors.

useLeakCheck();

const DOCKER = process.env.DOCKER_CLI ?? '/usr/local/bin/docker';
const haveDocker = existsSync(DOCKER);
const BERTH = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..'), 'bin', 'berth');

const d = useBerthd({ when: haveDocker });


const docker = (args: string[]) => runClient(d, DOCKER, args);
const berth = (args: string[]) => runClient(d, BERTH, args);

async function ok(r: Promise<Run>): Promise<string> {
  const res = await r;
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  return res.stdout;
}

const networksOf = async (name: string): Promise<Record<string, { IPAddress: string; Aliases: string[] | null; IPAMConfig: { IPv4Address?: string } | null }>> =>
  JSON.parse(await ok(docker(['inspect', '--format', '{{json .NetworkSettings.Networks}}', name]))) as Record<string, { IPAddress: string; Aliases: string[] | null; IPAMConfig: { IPv4Address?: string } | null }>;

/** Run a one-off on `network` and return its output (it is removed after). */
async function probe(network: string, script: string): Promise<Run> {
  return docker(['run', '--rm', '--network', network, 'bb', 'sh', '-c', script]);
}

describe.skipIf(!haveDocker)('connect and disconnect containers that are not running', () => {
  it('a created container gets its endpoint (alias, fixed IP) when it starts; a peer reaches it by name and alias', async () => {
    await ok(docker(['network', 'create', '--subnet', '10.201.0.0/24', 'cs-front']));
    await ok(docker(['network', 'create', 'cs-back']));
    await ok(docker(['create', '--name', 'cs-web', '--network', 'cs-back', 'bb', 'httpd', '-f', '-p', '80', '-h', '/etc']));
    await ok(docker(['network', 'connect', '--alias', 'www', '--ip', '10.201.0.77', 'cs-front', 'cs-web']));

    const before = await networksOf('cs-web');
    expect(Object.keys(before).sort()).toEqual(['cs-back', 'cs-front']);
    expect(before['cs-front']).toMatchObject({ IPAddress: '', Aliases: ['www'], IPAMConfig: { IPv4Address: '10.201.0.77' } });

    await ok(docker(['start', 'cs-web']));
    const after = await networksOf('cs-web');
    expect(after['cs-front']?.IPAddress).toBe('10.201.0.77');
    expect(after['cs-back']?.IPAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const peer = await probe('cs-front', 'nslookup cs-web | grep -A1 Name; wget -qO- http://cs-web/hostname >/dev/null && echo by-name; wget -qO- http://www/hostname >/dev/null && echo by-alias; wget -qO- http://10.201.0.77/hostname >/dev/null && echo by-ip');
    expect(peer.stdout).toContain('10.201.0.77');
    expect(peer.stdout).toContain('by-name');
    expect(peer.stdout).toContain('by-alias');
    expect(peer.stdout).toContain('by-ip');
    expect(peer.code).toBe(0);
    await ok(docker(['rm', '-f', 'cs-web']));
  });

  it('berth network connect records on a created container; disconnect of a stopped one drops it', async () => {
    await ok(docker(['network', 'create', 'cs-side']));
    await ok(docker(['create', '--name', 'cs-idle', '--network', 'cs-back', 'bb', 'sleep', '300']));
    await ok(berth(['network', 'connect', '--alias', 'idle-alias', 'cs-side', 'cs-idle']));
    expect((await networksOf('cs-idle'))['cs-side']).toMatchObject({ IPAddress: '', Aliases: ['idle-alias'] });

    await ok(docker(['start', 'cs-idle']));
    expect((await networksOf('cs-idle'))['cs-side']?.IPAddress).toMatch(/^\d+\./);
    await ok(docker(['stop', '-t', '0', 'cs-idle']));
    await ok(docker(['network', 'disconnect', 'cs-side', 'cs-idle']));
    expect(Object.keys(await networksOf('cs-idle'))).toEqual(['cs-back']);
    await ok(berth(['network', 'disconnect', 'cs-back', 'cs-idle']));
    expect(await networksOf('cs-idle')).toEqual({});

    // With no network left it starts with loopback only, and can be connected again.
    await ok(docker(['start', 'cs-idle']));
    const links = await ok(docker(['exec', 'cs-idle', 'ip', '-o', 'link']));
    expect(links).not.toContain('eth0');
    await ok(docker(['network', 'connect', 'cs-side', 'cs-idle']));
    const addr = await ok(docker(['exec', 'cs-idle', 'ip', '-o', '-4', 'addr']));
    expect(addr).toContain('eth0');
    await ok(docker(['rm', '-f', 'cs-idle']));
    const net = JSON.parse(await ok(docker(['network', 'inspect', '--format', '{{json .Containers}}', 'cs-side']))) as Record<string, unknown>;
    expect(net).toEqual({});
  });

  it("a running container's connect and disconnect outlive a stop/start and a berthd restart", async () => {
    await ok(docker(['run', '-d', '--name', 'cs-live', '--network', 'cs-back', 'bb', 'sleep', '300']));
    await ok(docker(['network', 'connect', '--alias', 'live-alias', '--ip', '10.201.0.88', 'cs-front', 'cs-live']));
    await ok(docker(['network', 'disconnect', 'cs-back', 'cs-live']));
    const check = async (): Promise<void> => {
      const nets = await networksOf('cs-live');
      expect(Object.keys(nets)).toEqual(['cs-front']);
      expect(nets['cs-front']).toMatchObject({ IPAddress: '10.201.0.88', Aliases: ['live-alias'] });
      const peer = await probe('cs-front', 'ping -c 1 -W 2 live-alias && ping -c 1 -W 2 cs-live');
      expect(peer.code).toBe(0);
    };
    await check();

    await ok(docker(['stop', '-t', '0', 'cs-live']));
    await ok(docker(['start', 'cs-live']));
    await check();

    await d.stop();
    await d.start();
    await check(); // live restore: still running, same endpoints
    await ok(docker(['stop', '-t', '0', 'cs-live']));
    await ok(docker(['start', 'cs-live']));
    await check();

    // Stopped across a restart: the record is what the next start uses.
    await ok(docker(['stop', '-t', '0', 'cs-live']));
    await ok(docker(['network', 'connect', 'cs-back', 'cs-live']));
    await d.stop();
    await d.start();
    await ok(docker(['start', 'cs-live']));
    await pollUntil(async () => (await inspect(d.client, 'cs-live')).State.Running || undefined, 'cs-live running');
    const nets = await networksOf('cs-live');
    expect(Object.keys(nets).sort()).toEqual(['cs-back', 'cs-front']);
    expect(nets['cs-back']?.IPAddress).toMatch(/^\d+\./);
    await ok(docker(['rm', '-f', 'cs-live']));
  });

  it("Docker's errors", async () => {
    await ok(docker(['create', '--name', 'cs-err', '--network', 'cs-back', 'bb', 'sleep', '300']));
    // Connected already, stopped: dockerd 20.10 checks the request, then changes nothing.
    await ok(docker(['network', 'connect', '--alias', 'other', 'cs-back', 'cs-err']));
    expect((await docker(['network', 'connect', '--ip', '10.99.0.5', 'cs-back', 'cs-err'])).stderr).toContain('no configured subnet contains IP address 10.99.0.5');
    const notOn = await docker(['network', 'disconnect', 'cs-front', 'cs-err']);
    expect(notOn.code).not.toBe(0);
    expect(notOn.stderr).toMatch(/container [0-9a-f]{64} is not connected to network cs-front/);
    const toHost = await docker(['network', 'connect', 'host', 'cs-err']);
    expect(toHost.stderr).toContain('container cannot be disconnected from host network or connected to host network');
    const badIp = await docker(['network', 'connect', '--ip', '10.99.0.5', 'cs-front', 'cs-err']);
    expect(badIp.code).not.toBe(0);
    expect(badIp.stderr).toContain('no configured subnet contains IP address 10.99.0.5');
    const onDefault = await docker(['network', 'connect', '--ip', '172.17.0.50', 'bridge', 'cs-err']);
    expect(onDefault.stderr).toContain('user specified IP address is supported only when connecting to networks with user configured subnets');
    expect(Object.keys(await networksOf('cs-err'))).toEqual(['cs-back']);

    expect((await d.client.request<{ NetworkSettings: { Networks: Record<string, { Aliases: string[] | null }> } }>('GET', '/containers/cs-err/json')).NetworkSettings.Networks['cs-back']?.Aliases ?? []).not.toContain('other');

    // Running: connected already is an error.
    await ok(docker(['start', 'cs-err']));
    const twiceLive = await docker(['network', 'connect', 'cs-back', 'cs-err']);
    expect(twiceLive.stderr).toContain('endpoint with name cs-err already exists in network cs-back');
    const notOnLive = await docker(['network', 'disconnect', 'cs-front', 'cs-err']);
    expect(notOnLive.stderr).toMatch(/is not connected to network cs-front/);

    await ok(docker(['create', '--name', 'cs-host', '--network', 'host', 'bb', 'true']));
    const hostConnect = await docker(['network', 'connect', 'cs-back', 'cs-host']);
    expect(hostConnect.stderr).toContain('container sharing network namespace with another container or host cannot be connected to any other network');
    const hostDisconnect = await docker(['network', 'disconnect', 'host', 'cs-host']);
    expect(hostDisconnect.stderr).toContain('container cannot be disconnected from host network or connected to host network');
    await ok(docker(['create', '--name', 'cs-shared', '--network', 'container:cs-err', 'bb', 'true']));
    const shared = await docker(['network', 'connect', 'cs-back', 'cs-shared']);
    expect(shared.stderr).toContain('container sharing network namespace with another container or host cannot be connected to any other network');
    await ok(docker(['create', '--name', 'cs-none', '--network', 'none', 'bb', 'true']));
    const none = await docker(['network', 'connect', 'cs-back', 'cs-none']);
    expect(none.stderr).toContain('container cannot be connected to multiple networks with one of the networks in private (none) mode');

    // A recorded network removed meanwhile: the start fails; `disconnect -f` drops it by name.
    await ok(docker(['network', 'create', 'cs-gone']));
    await ok(docker(['create', '--name', 'cs-orphan', '--network', 'cs-back', 'bb', 'sleep', '300']));
    await ok(docker(['network', 'connect', 'cs-gone', 'cs-orphan']));
    await ok(docker(['network', 'rm', 'cs-gone']));
    expect((await docker(['start', 'cs-orphan'])).code).not.toBe(0);
    expect((await docker(['network', 'disconnect', 'cs-gone', 'cs-orphan'])).code).not.toBe(0);
    await ok(docker(['network', 'disconnect', '-f', 'cs-gone', 'cs-orphan']));
    await ok(docker(['start', 'cs-orphan']));
    expect(Object.keys(await networksOf('cs-orphan'))).toEqual(['cs-back']);
    await ok(docker(['rm', '-f', 'cs-orphan']));

    // The status codes, on the wire.
    const status = async (net: string, verb: string, container: string): Promise<number> =>
      d.client.request('POST', `/networks/${net}/${verb}`, { body: { Container: container } }).then(
        () => 200,
        (err: unknown) => Number((err as { detail?: { status?: number } }).detail?.status),
      );
    // dockerd 20.10's, measured: 403 for a running container connected already, 500 for a
    // disconnect of a container that is not connected.
    expect(await status('cs-back', 'connect', 'cs-err')).toBe(403);
    expect(await status('cs-front', 'disconnect', 'cs-err')).toBe(500);
    expect(await status('host', 'connect', 'cs-err')).toBe(400);
    expect(await status('cs-back', 'connect', 'cs-host')).toBe(400);
    expect(await status('cs-back', 'connect', 'nosuch')).toBe(404);
    expect(await status('nosuch', 'connect', 'cs-err')).toBe(404);
    await ok(docker(['rm', '-f', 'cs-shared', 'cs-none', 'cs-host', 'cs-err']));
  });
});
