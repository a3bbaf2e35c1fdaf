import { describe, expect, it } from 'vitest';
import { createBody, parseBytes, parseDurationNs, parsePublish, type RunFlags } from '../../../src/cli/container/run-flags.js';
import { selectPath } from '../../../src/cli/format-path.js';

const none: RunFlags = { env: [], envFile: [], publish: [], volume: [], mount: [], tmpfs: [], networkAlias: [], capAdd: [], capDrop: [], label: [], ulimit: [], sysctl: [], addHost: [], dns: [] };

describe('docker run flags', () => {
  it('parses every -p form', () => {
    expect(parsePublish('80')).toEqual([{ hostIp: '', hostPort: '', containerPort: '80/tcp' }]);
    expect(parsePublish('8080:80')).toEqual([{ hostIp: '', hostPort: '8080', containerPort: '80/tcp' }]);
    expect(parsePublish('127.0.0.1:8080:80/udp')).toEqual([{ hostIp: '127.0.0.1', hostPort: '8080', containerPort: '80/udp' }]);
    expect(parsePublish('127.0.0.1::80')).toEqual([{ hostIp: '127.0.0.1', hostPort: '', containerPort: '80/tcp' }]);
    expect(parsePublish('[::1]:8080:80')).toEqual([{ hostIp: '::1', hostPort: '8080', containerPort: '80/tcp' }]);
    expect(parsePublish('::1:8080:80')).toEqual([{ hostIp: '::1', hostPort: '8080', containerPort: '80/tcp' }]);
    expect(parsePublish('8000-8001:80-81').map((p) => `${p.hostPort}->${p.containerPort}`)).toEqual(['8000->80/tcp', '8001->81/tcp']);
  });

  it('refuses bad ports with a usage error', () => {
    expect(() => parsePublish('abc')).toThrow(/invalid port/);
    expect(() => parsePublish('8000-8002:80-81')).toThrow(/differ in size/);
    expect(() => parsePublish('80/icmp')).toThrow(/invalid protocol/);
    expect(() => parsePublish('1.2.3:80:80')).toThrow('invalid -p 1.2.3:80:80: invalid IP address: 1.2.3');
    expect(() => parsePublish('80:80:80:80')).toThrow('invalid IP address: 80:80');
  });

  it('refuses integer flags that are no integers, and a retry count that is none, instead of sending a default', () => {
    for (const [key, flag] of [['healthRetries', 'health-retries'], ['stopTimeout', 'stop-timeout'], ['cpuShares', 'cpu-shares'], ['pidsLimit', 'pids-limit']] as const) {
      expect(() => createBody('bb', [], { ...none, [key]: 'x' }), flag).toThrow(`invalid argument "x" for "--${flag}" flag`);
    }
    expect(() => createBody('bb', [], { ...none, restart: 'on-failure:x' })).toThrow(/maximum retry count must be an integer/);
    expect((createBody('bb', [], { ...none, restart: 'on-failure:3', pidsLimit: '-1' }).HostConfig as Record<string, unknown>)).toMatchObject({ RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 }, PidsLimit: -1 });
  });

  it('converts sizes and durations as docker does', () => {
    expect(parseBytes('512m', '-m')).toBe(512 * 1024 * 1024);
    expect(parseBytes('1g', '-m')).toBe(1024 ** 3);
    expect(parseBytes('100', '-m')).toBe(100);
    expect(() => parseBytes('lots', '-m')).toThrow(/invalid size/);
    expect(parseDurationNs('1m30s', '--health-interval')).toBe(90e9);
    expect(parseDurationNs('500ms', '--health-interval')).toBe(500e6);
    expect(() => parseDurationNs('10', '--health-interval')).toThrow(/invalid duration/);
  });

  it('builds the ContainerCreate body', () => {
    const body = createBody('bb', ['sh', '-c', 'echo hi'], {
      ...none,
      name: 'x',
      env: ['A=1'],
      publish: ['8080:80'],
      memory: '64m',
      cpus: '0.5',
      restart: 'on-failure:3',
      healthCmd: 'true',
      healthInterval: '1s',
      network: 'front',
      networkAlias: ['api'],
      ulimit: ['nofile=1024:2048'],
    });
    expect(body).toMatchObject({
      Image: 'bb',
      Cmd: ['sh', '-c', 'echo hi'],
      Env: ['A=1'],
      ExposedPorts: { '80/tcp': {} },
      Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 1e9 },
      HostConfig: {
        PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
        Memory: 64 * 1024 * 1024,
        NanoCpus: 5e8,
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
        NetworkMode: 'front',
        Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
      },
      NetworkingConfig: { EndpointsConfig: { front: { Aliases: ['api'] } } },
    });
  });

  it('--no-healthcheck disables the image healthcheck', () => {
    expect(createBody('bb', [], { ...none, healthcheck: false }).Healthcheck).toEqual({ Test: ['NONE'] });
  });

  it('refuses a retry count on a policy other than on-failure', () => {
    expect(() => createBody('bb', [], { ...none, restart: 'always:3' })).toThrow(/only valid with on-failure/);
  });
});

describe('inspect --format', () => {
  const doc = { State: { Status: 'running', Health: { Status: 'healthy' } }, Config: { Env: ['A=1'] } };
  it('selects a dotted path', () => {
    expect(selectPath(doc, '{{.State.Status}}')).toBe('running');
    expect(selectPath(doc, '{{.State.Health.Status}}')).toBe('healthy');
    expect(selectPath(doc, '{{json .Config.Env}}')).toBe('["A=1"]');
    expect(selectPath(doc, '{{.Nope}}')).toBe('<no value>');
    // Several actions with text around them, as `docker inspect -f '{{.Name}} {{.State.Status}}'`.
    expect(selectPath(doc, 'state={{.State.Status}} health={{ .State.Health.Status }} env={{json .Config.Env}}')).toBe('state=running health=healthy env=["A=1"]');
    expect(selectPath(doc, 'plain text')).toBe('plain text');
    expect(() => selectPath(doc, '{{range .Config.Env}}{{.}}{{end}}')).toThrow(/unsupported --format/);
  });
});
