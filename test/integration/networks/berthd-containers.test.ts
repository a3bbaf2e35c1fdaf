import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { readAll } from '../../../src/client/engine-client.js';
import { useLeakCheck } from '../../support/leaks.js';
import { demux, inspect, runContainer, useBerthd } from '../engine/berthd-harness.js';

// Containers run by a real berthd (built dist/, as the engine's tests) on a user network:
// the runtime joins our sandbox, the engine writes resolv.conf from it, and names,
// aliases and published ports work from inside and outside.

useLeakCheck();

const d = useBerthd();

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let body = '';
    s.on('connect', () => s.write('GET / HTTP/1.0\r\n\r\n'));
    s.on('data', (b: Buffer) => (body += b.toString()));
    s.on('end', () => resolve(body));
    s.on('error', reject);
  });
}

async function runToEnd(cmd: string[], network: string): Promise<{ code: number; stdout: string }> {
  const { Id } = await d.client.request<{ Id: string }>('POST', '/containers/create', { body: { Image: 'bb', Cmd: cmd, HostConfig: { NetworkMode: network } } });
  const wait = d.client.request<{ StatusCode: number }>('POST', `/containers/${Id}/wait`, { query: { condition: 'next-exit' } });
  await d.client.request('POST', `/containers/${Id}/start`);
  const code = (await wait).StatusCode;
  const logs = demux(await readAll(await d.client.stream('GET', `/containers/${Id}/logs`, { query: { stdout: 1, stderr: 1 } })));
  await d.client.request('DELETE', `/containers/${Id}`);
  return { code, stdout: logs.stdout + logs.stderr };
}

describe('containers on a berth network', () => {
  it('resolve each other by name and alias, and publish ports to the host', async () => {
    await d.client.request('POST', '/networks/create', { body: { Name: 'app' } });
    const web = await runContainer(
      d.client,
      {
        Cmd: ['httpd', '-f', '-p', '80', '-h', '/www'],
        ExposedPorts: { '80/tcp': {} },
        HostConfig: { NetworkMode: 'app', PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
        NetworkingConfig: { EndpointsConfig: { app: { Aliases: ['websvc'] } } },
      },
      'web',
    );
    const info = await inspect(d.client, web);
    const ip = info.NetworkSettings.Networks.app?.IPAddress ?? '';
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const port = Number(info.NetworkSettings.Ports['80/tcp']?.[0]?.HostPort);

    const byName = await runToEnd(['sh', '-c', 'cat /etc/resolv.conf; wget -qO- http://web/ && wget -qO- http://websvc/'], 'app');
    expect(byName.stdout).toMatch(/^nameserver \d+\.\d+\.\d+\.1$/m);
    expect(byName.stdout.split('busybox rootfs').length - 1).toBe(2);
    expect(byName.code).toBe(0);
    expect(await get(port)).toContain('busybox rootfs');

    // A container on another network neither resolves nor reaches web.
    await d.client.request('POST', '/networks/create', { body: { Name: 'elsewhere' } });
    const isolated = await runToEnd(['sh', '-c', `nslookup web; ping -c 1 -W 1 ${ip}`], 'elsewhere');
    expect(isolated.stdout).toContain("can't find web");
    expect(isolated.code).not.toBe(0);
  });
});
