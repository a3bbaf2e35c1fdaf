import http from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EngineApi } from '../../../src/client/api/engine-api.js';
import { ApiPlanEngine } from '../../../src/client/api/plan-engine.js';
import { EngineClient, type RequestOptions } from '../../../src/client/engine-client.js';
import { compareVersions, MAX_API_VERSION, MIN_API_VERSION, negotiateVersion, pingEngine, versionAfterPing } from '../../../src/client/negotiate.js';
import type { ContainerCreateBody } from '../../../src/client/api/wire.js';

describe('API version negotiation', () => {
  test('speaks the lower of the engine\'s version and berth\'s newest', () => {
    expect(negotiateVersion('1.41', '/s')).toBe('1.41'); // berthd, dockerd 20.10
    expect(negotiateVersion('1.43', '/s')).toBe('1.43');
    expect(negotiateVersion('1.50', '/s')).toBe(MAX_API_VERSION); // Docker 28
    expect(negotiateVersion(undefined, '/s')).toBe(MIN_API_VERSION);
  });

  test('an engine older than berth needs is one clear error', () => {
    expect(() => negotiateVersion('1.40', '/run/x.sock')).toThrow(/unix:\/\/\/run\/x\.sock speaks Docker Engine API 1\.40; berth needs 1\.41 or later/);
  });

  test('versions compare by number, not by text', () => {
    expect(compareVersions('1.9', '1.41')).toBeLessThan(0);
    expect(compareVersions('1.44', '1.44')).toBe(0);
    expect(compareVersions('2.0', '1.99')).toBeGreaterThan(0);
  });

  describe('pingEngine', () => {
    let dir = '';
    let server: http.Server;
    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'berth-ping-'));
      server = http.createServer((req, res) => {
        res.writeHead(req.url === '/_ping' ? 200 : 404, { 'Api-Version': '1.41', Server: 'Docker/20.10.24 (linux)' });
        res.end('OK');
      });
      await new Promise<void>((r) => server.listen(path.join(dir, 'e.sock'), r));
    });
    afterAll(async () => {
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    });

    test('reads the Api-Version and Server headers of the unversioned /_ping', async () => {
      expect(await pingEngine(path.join(dir, 'e.sock'))).toEqual({ apiVersion: '1.41', server: 'Docker/20.10.24 (linux)' });
    });

    test('nothing listening is undefined, not an error', async () => {
      expect(await pingEngine(path.join(dir, 'absent.sock'))).toBeUndefined();
    });
  });
});

class RecordingClient extends EngineClient {
  readonly calls: { method: string; path: string; body: unknown; query: unknown }[] = [];
  constructor(version: string, private readonly platform = '') {
    super('/nowhere', version);
  }
  override async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    if (path === '/version') return { Platform: { Name: this.platform }, ApiVersion: this.version } as T;
    this.calls.push({ method, path, body: opts.body, query: opts.query });
    return { Id: 'c0ffee' } as T;
  }
}

describe('container create with several networks', () => {
  const body: ContainerCreateBody = {
    Image: 'bb',
    HostConfig: { NetworkMode: 'p_back' },
    NetworkingConfig: {
      EndpointsConfig: {
        p_back: { Aliases: ['web', 'p-web-1'] },
        p_front: { Aliases: ['web', 'p-web-1'], IPAMConfig: { IPv4Address: '10.9.0.5' } },
        p_admin: { Aliases: ['web'] },
      },
    },
  };

  test('dockerd before API 1.44: created on its primary network, connected to the others in order', async () => {
    const client = new RecordingClient('1.41');
    await new ApiPlanEngine(new EngineApi(client), 'p').createContainer('p-web-1', body);
    expect(client.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /containers/create',
      'POST /networks/p_front/connect',
      'POST /networks/p_admin/connect',
    ]);
    expect(client.calls[0]?.body).toMatchObject({ HostConfig: { NetworkMode: 'p_back' }, NetworkingConfig: { EndpointsConfig: { p_back: { Aliases: ['web', 'p-web-1'] } } } });
    expect(Object.keys((client.calls[0]?.body as ContainerCreateBody).NetworkingConfig?.EndpointsConfig ?? {})).toEqual(['p_back']);
    expect(client.calls[1]?.body).toEqual({ Container: 'p-web-1', EndpointConfig: { Aliases: ['web', 'p-web-1'], IPAMConfig: { IPv4Address: '10.9.0.5' } } });
  });

  test('berthd (1.41) takes every endpoint with the create', async () => {
    const client = new RecordingClient('1.41', 'berth');
    await new ApiPlanEngine(new EngineApi(client), 'p').createContainer('p-web-1', body);
    expect(client.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /containers/create']);
    expect(client.calls[0]?.body).toEqual(body);
  });

  test('from API 1.44 every endpoint goes with the create', async () => {
    const client = new RecordingClient('1.44');
    await new ApiPlanEngine(new EngineApi(client), 'p').createContainer('p-web-1', body);
    expect(client.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /containers/create']);
    expect(client.calls[0]?.body).toEqual(body);
  });

  test('one network: a single create at any version', async () => {
    const client = new RecordingClient('1.41');
    const single: ContainerCreateBody = { Image: 'bb', HostConfig: { NetworkMode: 'p_default' }, NetworkingConfig: { EndpointsConfig: { p_default: {} } } };
    await new ApiPlanEngine(new EngineApi(client), 'p').createContainer('p-a-1', single);
    expect(client.calls).toHaveLength(1);
    expect(client.calls[0]?.body).toEqual(single);
  });
});

describe('connectEngine', () => {
  test('a dead socket named by DOCKER_HOST alone is an error: no berthd is started in dockerd\'s place', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-connect-'));
    try {
      const { connectEngine } = await import('../../../src/client/connect.js');
      const env = { DOCKER_HOST: `unix://${dir}/docker.sock`, BERTH_RUN: path.join(dir, 'run'), BERTH_ROOT: path.join(dir, 'root') };
      await expect(connectEngine({}, env)).rejects.toThrow(/cannot reach the engine at unix:\/\/.*docker\.sock \(DOCKER_HOST\): nothing answers there/);
      expect(existsSync(path.join(dir, 'run'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('versionAfterPing', () => {
  test('the version to speak, or undefined without an answer or with an engine too old', () => {
    expect(versionAfterPing({ apiVersion: '1.43' }, '/s')).toBe('1.43');
    expect(versionAfterPing({}, '/s')).toBe('1.41');
    expect(versionAfterPing(undefined, '/s')).toBeUndefined();
    expect(versionAfterPing({ apiVersion: '1.40' }, '/s')).toBeUndefined();
  });
});
