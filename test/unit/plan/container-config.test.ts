import { describe, expect, test } from 'vitest';
import { containerSpec, imageOf, type ContainerContext } from '../../../src/plan/container-config.js';
import { durationToNanos } from '../../../src/plan/units.js';
import type { Project } from '../../../src/compose/model.js';
import { project, service } from './fixtures.js';

const ctx = (p: Project, svc: string, extra: Partial<ContainerContext> = {}): ContainerContext => ({
  project: p,
  service: svc,
  number: 1,
  name: `p-${svc}-1`,
  configHash: 'abc',
  workingDir: '/srv/p',
  configFiles: ['/srv/p/compose.yaml'],
  serviceContainer: (s) => `p-${s}-1`,
  ...extra,
});

describe('containerSpec', () => {
  test('image, command, entrypoint, environment and compose labels', () => {
    const p = project({ web: service({ command: ['httpd', '-f'], entrypoint: ['/bin/sh', '-c'], environment: { A: '1', FROM_HOST: null, UNSET: null } }) });
    const { body } = containerSpec(ctx(p, 'web', { hostEnv: { FROM_HOST: 'h' } }));
    expect(body.Image).toBe('bb:latest');
    expect(body.Cmd).toEqual(['httpd', '-f']);
    expect(body.Entrypoint).toEqual(['/bin/sh', '-c']);
    expect(body.Env).toEqual(['A=1', 'FROM_HOST=h']);
    expect(body.Labels).toMatchObject({
      'com.docker.compose.project': 'p',
      'com.docker.compose.service': 'web',
      'com.docker.compose.container-number': '1',
      'com.docker.compose.config-hash': 'abc',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.project.working_dir': '/srv/p',
      'com.docker.compose.project.config_files': '/srv/p/compose.yaml',
    });
  });

  test('ports become PortBindings and ExposedPorts', () => {
    const p = project({ web: service({ ports: [{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }, { mode: 'ingress', target: 53, protocol: 'udp', host_ip: '127.0.0.1' }], expose: ['9000'] }) });
    const { body } = containerSpec(ctx(p, 'web'));
    expect(body.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {}, '9000/tcp': {} });
    expect(body.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
  });

  test('volumes: binds, project-named volumes, anonymous volumes, tmpfs, secrets and configs as read-only files', () => {
    const p = project(
      {
        db: service({
          volumes: [
            { type: 'bind', source: '/srv/p/data', target: '/data', read_only: true, bind: { create_host_path: true } },
            { type: 'volume', source: 'dbdata', target: '/var/lib/db' },
            { type: 'volume', target: '/cache' },
            { type: 'tmpfs', target: '/scratch', tmpfs: { size: '1048576' } },
          ],
          tmpfs: ['/run:size=64k'],
          secrets: [{ source: 'token' }],
          configs: [{ source: 'conf', target: '/etc/app.conf' }],
        }),
      },
      {
        volumes: { dbdata: { name: 'p_dbdata' } },
        secrets: { token: { name: 'p_token', file: '/srv/p/token.txt' } },
        configs: { conf: { name: 'p_conf', file: '/srv/p/app.conf' } },
      },
    );
    const { body } = containerSpec(ctx(p, 'db'));
    expect(body.HostConfig.Binds).toEqual(['/srv/p/data:/data:ro', 'p_dbdata:/var/lib/db', '/srv/p/token.txt:/run/secrets/token:ro', '/srv/p/app.conf:/etc/app.conf:ro']);
    expect(body.Volumes).toEqual({ '/cache': {} });
    expect(body.HostConfig.Mounts).toEqual([{ Type: 'tmpfs', Target: '/scratch', TmpfsOptions: { SizeBytes: 1048576 } }]);
    expect(body.HostConfig.Tmpfs).toEqual({ '/run': 'size=64k' });
  });

  test('networks: every endpoint at create, primary first, with service name, aliases and container name; fixed address', () => {
    const p = project(
      { web: service({ networks: { front: { aliases: ['www'], ipv4_address: '10.5.0.5' }, back: null } }) },
      { networks: { front: { name: 'p_front', ipam: {} }, back: { name: 'p_back', ipam: {} } } },
    );
    const spec = containerSpec(ctx(p, 'web'));
    expect(spec.body.HostConfig.NetworkMode).toBe('p_back');
    expect(spec.body.NetworkingConfig?.EndpointsConfig).toEqual({
      p_back: { Aliases: ['web', 'p-web-1'] },
      p_front: { Aliases: ['web', 'www', 'p-web-1'], IPAMConfig: { IPv4Address: '10.5.0.5' } },
    });
    expect(spec.networking.extra).toEqual([{ network: 'p_front', endpoint: { Aliases: ['web', 'www', 'p-web-1'], IPAMConfig: { IPv4Address: '10.5.0.5' } } }]);
  });

  test('network_mode service:x joins that service\'s container; volumes_from names its container', () => {
    const p = project({ app: service(), side: service({ network_mode: 'service:app', networks: undefined, volumes_from: ['app:ro', 'container:other'] }) });
    const { body } = containerSpec(ctx(p, 'side'));
    expect(body.HostConfig.NetworkMode).toBe('container:p-app-1');
    expect(body.HostConfig.VolumesFrom).toEqual(['p-app-1:ro', 'other']);
    expect(body.NetworkingConfig).toBeUndefined();
  });

  test('healthcheck durations become nanoseconds; stop_grace_period becomes StopTimeout', () => {
    const p = project({ db: service({ healthcheck: { test: ['CMD-SHELL', 'true'], interval: '1s', timeout: '500ms', start_period: '1m30s', retries: 3 }, stop_signal: 'SIGINT', stop_grace_period: '20s' }) });
    const { body } = containerSpec(ctx(p, 'db'));
    expect(body.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'true'], Interval: 1e9, Timeout: 5e8, StartPeriod: 90e9, Retries: 3 });
    expect(body.StopSignal).toBe('SIGINT');
    expect(body.StopTimeout).toBe(20);
  });

  test('host settings: restart, init, user, working_dir, extra_hosts, caps, read_only, ulimits, sysctls, resources', () => {
    const p = project({
      web: service({
        restart: 'on-failure:3', init: true, user: 'app', working_dir: '/app', extra_hosts: ['db.local=10.0.0.2'],
        cap_add: ['NET_ADMIN'], cap_drop: ['ALL'], read_only: true, ulimits: { nofile: { soft: 1024, hard: 2048 } },
        sysctls: { 'net.core.somaxconn': '1024' }, mem_limit: '536870912', cpus: 0.5, privileged: true,
        hostname: 'h', domainname: 'example.org', container_name: 'custom',
      }),
    });
    const { body } = containerSpec(ctx(p, 'web'));
    expect(body.HostConfig).toMatchObject({
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 }, Init: true, ExtraHosts: ['db.local:10.0.0.2'],
      CapAdd: ['NET_ADMIN'], CapDrop: ['ALL'], ReadonlyRootfs: true, Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
      Sysctls: { 'net.core.somaxconn': '1024' }, Memory: 536870912, NanoCpus: 5e8, Privileged: true,
    });
    expect(body).toMatchObject({ User: 'app', WorkingDir: '/app', Hostname: 'h', Domainname: 'example.org' });
  });

  test('deploy.resources limits apply when the top-level keys are absent', () => {
    const p = project({ web: service({ deploy: { resources: { limits: { cpus: 1.5, memory: '1048576', pids: 50 } } } }) });
    expect(containerSpec(ctx(p, 'web')).body.HostConfig).toMatchObject({ NanoCpus: 1.5e9, Memory: 1048576, PidsLimit: 50 });
  });

  test('secrets and configs given by environment or content become files written after create', () => {
    const p = project(
      { web: service({ secrets: [{ source: 'token' }, { source: 'key', target: '/etc/key', uid: '100', gid: '101', mode: 0o400 }], configs: [{ source: 'conf' }, { source: 'file' }] }) },
      { secrets: { token: { name: 'p_token', environment: 'TOKEN' }, key: { name: 'p_key', content: 'k' } }, configs: { conf: { name: 'p_conf', content: 'a=1\n' }, file: { name: 'p_file', file: '/srv/p/f.conf' } } },
    );
    const spec = containerSpec(ctx(p, 'web', { hostEnv: { TOKEN: 's3cret' } }));
    expect(spec.files).toEqual([
      { path: '/run/secrets/token', content: 's3cret', mode: 0o444, uid: 0, gid: 0 },
      { path: '/etc/key', content: 'k', mode: 0o400, uid: 100, gid: 101 },
      { path: '/conf', content: 'a=1\n', mode: 0o444, uid: 0, gid: 0 },
    ]);
    // A file-based one stays a read-only bind.
    expect(spec.body.HostConfig.Binds).toEqual(['/srv/p/f.conf:/file:ro']);
  });

  test('an environment secret whose variable is unset is refused with its name', () => {
    const p = project({ web: service({ secrets: [{ source: 's' }] }) }, { secrets: { s: { name: 'p_s', environment: 'TOKEN' } } });
    expect(() => containerSpec(ctx(p, 'web', { hostEnv: {} }))).toThrow(/environment variable TOKEN required by secret s is not set/);
  });

  test('logging becomes the engine log config', () => {
    const p = project({ web: service({ logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } } }), db: service({ logging: { options: { 'max-size': '1m' } } }) });
    expect(containerSpec(ctx(p, 'web')).body.HostConfig.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } });
    expect(containerSpec(ctx(p, 'db')).body.HostConfig.LogConfig).toEqual({ Type: '', Config: { 'max-size': '1m' } });
    expect(containerSpec(ctx(project({ app: service({}) }), 'app')).body.HostConfig.LogConfig).toBeUndefined();
  });

  test("on Docker's own bridge (an external network named bridge) the endpoint has no aliases", () => {
    const p = project({ web: service({ networks: { outside: null } }) }, { networks: { outside: { name: 'bridge', external: true, ipam: {} } } });
    const spec = containerSpec(ctx(p, 'web'));
    expect(spec.body.HostConfig.NetworkMode).toBe('bridge');
    expect(spec.body.NetworkingConfig?.EndpointsConfig?.bridge?.Aliases).toEqual([]);
  });

  test('an external secret is refused outside a swarm', () => {
    const p = project({ web: service({ secrets: [{ source: 's' }] }) }, { secrets: { s: { name: 's', external: true } } });
    expect(() => containerSpec(ctx(p, 'web'))).toThrow(/external secret s is not supported without a swarm/);
  });
});

test('Go durations', () => {
  expect(durationToNanos('1m30s')).toBe(90e9);
  expect(durationToNanos('100ms')).toBe(1e8);
  expect(durationToNanos('0s')).toBe(0);
  expect(() => durationToNanos('10 parsecs')).toThrow();
});

test("a built service's image is its own, or <project>-<service> when none or empty is given (compose-go)", () => {
  expect(imageOf('shop', 'web', { image: 'registry/web:1', build: { context: '.' } } as Parameters<typeof imageOf>[2])).toBe('registry/web:1');
  expect(imageOf('shop', 'web', { build: { context: '.' } } as Parameters<typeof imageOf>[2])).toBe('shop-web');
  expect(imageOf('shop', 'web', { image: '', build: { context: '.' } } as Parameters<typeof imageOf>[2])).toBe('shop-web');
});
