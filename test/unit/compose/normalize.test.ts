import { describe, expect, it } from 'vitest';
import { ComposeError } from '../../../src/compose/errors.js';
import { normalize, type NormalizeContext } from '../../../src/compose/normalize.js';

const ctx: NormalizeContext = { projectName: 'shop', projectDirectory: '/srv/shop', env: { HOME: '/home/ann' } };

function service(svc: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const out = normalize({ services: { web: svc }, ...extra }, ctx);
  return (out.services as Record<string, Record<string, unknown>>).web as Record<string, unknown>;
}

describe('normalize: ports', () => {
  it.each([
    ['80', [{ mode: 'ingress', target: 80, protocol: 'tcp' }]],
    ['8080:80', [{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }]],
    ['127.0.0.1:8080:80', [{ mode: 'ingress', host_ip: '127.0.0.1', target: 80, published: '8080', protocol: 'tcp' }]],
    ['127.0.0.1::80', [{ mode: 'ingress', host_ip: '127.0.0.1', target: 80, protocol: 'tcp' }]],
    ['::1:8080:80', [{ mode: 'ingress', host_ip: '::1', target: 80, published: '8080', protocol: 'tcp' }]],
    ['[::1]:8080:80', [{ mode: 'ingress', host_ip: '::1', target: 80, published: '8080', protocol: 'tcp' }]],
    ['53:53/udp', [{ mode: 'ingress', target: 53, published: '53', protocol: 'udp' }]],
    ['8000-8005:80', [{ mode: 'ingress', target: 80, published: '8000-8005', protocol: 'tcp' }]],
  ])('%s', (spec, expected) => {
    expect(service({ image: 'x', ports: [spec] }).ports).toEqual(expected);
  });

  it('expands ranges into one entry per port', () => {
    const ports = service({ image: 'x', ports: ['8000-8002:80-82', '9000-9001'] }).ports as Record<string, unknown>[];
    expect(ports.map((p) => [p.published, p.target])).toEqual([
      ['8000', 80],
      ['8001', 81],
      ['8002', 82],
      [undefined, 9000],
      [undefined, 9001],
    ]);
  });

  it('fills defaults in long syntax and prints published as a string', () => {
    expect(service({ image: 'x', ports: [{ target: 80, published: 8080 }, 3000] }).ports).toEqual([
      { mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' },
      { mode: 'ingress', target: 3000, protocol: 'tcp' },
    ]);
  });

  it('refuses mismatched ranges and bad protocols with the key path', () => {
    expect(() => service({ image: 'x', ports: ['8000-8001:80-85'] })).toThrow(/services\.web\.ports\[0\] has container and host ranges/);
    expect(() => service({ image: 'x', ports: ['80/icmp'] })).toThrow(ComposeError);
    expect(() => service({ image: 'x', ports: ['99999'] })).toThrow(/invalid port range/);
    // Four parts: the first two are the IP, as in docker's nat.ParsePortSpec, and "80:80" is none.
    expect(() => service({ image: 'x', ports: ['80:80:80:80'] })).toThrow('services.web.ports[0] has an invalid host IP "80:80" in "80:80:80:80"');
    expect(() => service({ image: 'x', ports: ['1.2.3:80:80'] })).toThrow(/invalid host IP "1\.2\.3"/);
  });
});

describe('normalize: volumes', () => {
  it('detects bind, named and anonymous volumes and resolves host paths', () => {
    const volumes = service({ image: 'x', volumes: ['./html:/usr/share/nginx/html:ro', 'data:/var/lib/data', '/abs:/y:rw,z', '~/cache:/cache', '/scratch', 'logs:/logs:nocopy'] }).volumes;
    expect(volumes).toEqual([
      { type: 'bind', source: '/srv/shop/html', target: '/usr/share/nginx/html', read_only: true, bind: { create_host_path: true } },
      { type: 'volume', source: 'data', target: '/var/lib/data', volume: {} },
      { type: 'bind', source: '/abs', target: '/y', bind: { selinux: 'z', create_host_path: true } },
      { type: 'bind', source: '/home/ann/cache', target: '/cache', bind: { create_host_path: true } },
      { type: 'volume', target: '/scratch', volume: {} },
      { type: 'volume', source: 'logs', target: '/logs', volume: { nocopy: true } },
    ]);
  });

  it('keeps long syntax, making bind sources absolute and tmpfs sizes bytes', () => {
    expect(
      service({
        image: 'x',
        volumes: [
          { type: 'bind', source: '../shared', target: '/shared', read_only: true },
          { type: 'tmpfs', target: '/tmp', tmpfs: { size: '64m' } },
        ],
      }).volumes,
    ).toEqual([
      { type: 'bind', source: '/srv/shared', target: '/shared', read_only: true },
      { type: 'tmpfs', target: '/tmp', tmpfs: { size: '67108864' } },
    ]);
  });

  it('detects named pipes and refuses malformed specs', () => {
    expect(service({ image: 'x', volumes: ['\\\\.\\pipe\\docker_engine:\\\\.\\pipe\\docker_engine'] }).volumes).toEqual([
      { type: 'npipe', source: '\\\\.\\pipe\\docker_engine', target: '\\\\.\\pipe\\docker_engine' },
    ]);
    expect(() => service({ image: 'x', volumes: ['data::/b'] })).toThrow(/empty section/);
    expect(() => service({ image: 'x', volumes: ['data:/b:ro:extra'] })).toThrow(/too many colons/);
  });
});

describe('normalize: services', () => {
  it('turns depends_on lists into maps with defaults', () => {
    expect(service({ image: 'x', depends_on: ['db', 'cache'] }).depends_on).toEqual({
      db: { condition: 'service_started', required: true },
      cache: { condition: 'service_started', required: true },
    });
    expect(service({ image: 'x', depends_on: { db: { condition: 'service_healthy', restart: true }, q: { required: false } } }).depends_on).toEqual({
      db: { condition: 'service_healthy', restart: true, required: true },
      q: { condition: 'service_started', required: false },
    });
  });

  it('turns environment, labels and sysctls into maps', () => {
    const svc = service({
      image: 'x',
      environment: ['A=1', 'B=x=y', 'C', 'D='],
      labels: ['com.example=1', 'flag'],
      sysctls: { 'net.core.somaxconn': 1024 },
      annotations: ['a=b'],
    });
    expect(svc.environment).toEqual({ A: '1', B: 'x=y', C: null, D: '' });
    expect(svc.labels).toEqual({ 'com.example': '1', flag: '' });
    expect(svc.sysctls).toEqual({ 'net.core.somaxconn': '1024' });
    expect(svc.annotations).toEqual({ a: 'b' });
    expect(service({ image: 'x', environment: { N: 5, T: true, U: null } }).environment).toEqual({ N: '5', T: 'true', U: null });
  });

  it('prints extra_hosts as sorted host=ip', () => {
    expect(service({ image: 'x', extra_hosts: ['somehost:162.242.195.82', 'other=10.0.0.1', 'v6host:::1'] }).extra_hosts).toEqual([
      'other=10.0.0.1',
      'somehost=162.242.195.82',
      'v6host=::1',
    ]);
    expect(service({ image: 'x', extra_hosts: { db: ['10.0.0.2', '10.0.0.3'], api: '[::1]' } }).extra_hosts).toEqual(['api=::1', 'db=10.0.0.2', 'db=10.0.0.3']);
  });

  it('reads env_file in every form', () => {
    expect(service({ image: 'x', env_file: '.env.web' }).env_file).toEqual([{ path: '/srv/shop/.env.web', required: true }]);
    expect(service({ image: 'x', env_file: ['a.env', { path: '/etc/b.env', required: false, format: 'raw' }] }).env_file).toEqual([
      { path: '/srv/shop/a.env', required: true },
      { path: '/etc/b.env', required: false, format: 'raw' },
    ]);
  });

  it('normalizes healthchecks', () => {
    expect(service({ image: 'x', healthcheck: { test: 'curl -f http://localhost', interval: '90s', timeout: 5, retries: '3', start_period: '1m' } }).healthcheck).toEqual({
      test: ['CMD-SHELL', 'curl -f http://localhost'],
      timeout: '5s',
      interval: '1m30s',
      retries: 3,
      start_period: '1m0s',
    });
    expect(service({ image: 'x', healthcheck: { disable: true, test: ['CMD', 'true'] } }).healthcheck).toEqual({ test: ['NONE'] });
  });

  it('splits string commands as a shell would and keeps null', () => {
    const svc = service({ image: 'x', command: `sh -c "echo 'hi there'"`, entrypoint: ['/entry.sh', '--flag'] });
    expect(svc.command).toEqual(['sh', '-c', "echo 'hi there'"]);
    expect(svc.entrypoint).toEqual(['/entry.sh', '--flag']);
    expect(service({ image: 'x', command: '' }).command).toEqual([]);
  });

  it('expands build shorthand and resolves contexts', () => {
    expect(service({ build: './app' }).build).toEqual({ context: '/srv/shop/app', dockerfile: 'Dockerfile' });
    expect(service({ build: { context: 'api', dockerfile: 'Dockerfile.dev', args: ['VERSION=1', 'TOKEN'] } }).build).toEqual({
      context: '/srv/shop/api',
      dockerfile: 'Dockerfile.dev',
      args: { VERSION: '1', TOKEN: null },
    });
    expect(service({ build: { context: 'https://github.com/acme/app.git#main' } }).build).toEqual({ context: 'https://github.com/acme/app.git#main', dockerfile: 'Dockerfile' });
  });

  it('puts services on the default network unless network_mode is set', () => {
    const out = normalize({ services: { a: { image: 'x' }, b: { image: 'y', network_mode: 'host' }, c: { image: 'z', networks: ['front'] } }, networks: { front: {} } }, ctx);
    const services = out.services as Record<string, Record<string, unknown>>;
    expect(services.a?.networks).toEqual({ default: null });
    expect(services.b?.networks).toBeUndefined();
    expect(services.c?.networks).toEqual({ front: null });
    expect(out.networks).toEqual({ front: { name: 'shop_front', ipam: {} }, default: { name: 'shop_default', ipam: {} } });
  });

  it('adds no default network when nobody uses it', () => {
    const out = normalize({ services: { a: { image: 'x', networks: { back: { aliases: ['db'] } } } }, networks: { back: null } }, ctx);
    expect(out.networks).toEqual({ back: { name: 'shop_back', ipam: {} } });
  });

  it('normalizes resources, sizes and limits', () => {
    const svc = service({
      image: 'x',
      deploy: { replicas: '2', resources: { limits: { cpus: '0.5', memory: '512m' }, reservations: { memory: '128M' } }, restart_policy: { delay: '5s' } },
      mem_limit: '1g',
      cpus: '1.5',
      ulimits: { nofile: 1024, nproc: { soft: 10, hard: 20 } },
      tmpfs: '/run',
      dns: '8.8.8.8',
      stop_grace_period: '1m30s',
      expose: [3000, '4000-4001'],
    });
    expect(svc.deploy).toEqual({
      replicas: 2,
      resources: { limits: { cpus: 0.5, memory: '536870912' }, reservations: { memory: '134217728' } },
      restart_policy: { delay: '5s' },
    });
    expect(svc.mem_limit).toBe('1073741824');
    expect(svc.cpus).toBe(1.5);
    expect(svc.ulimits).toEqual({ nofile: { soft: 1024, hard: 1024 }, nproc: { soft: 10, hard: 20 } });
    expect(svc.tmpfs).toEqual(['/run']);
    expect(svc.dns).toEqual(['8.8.8.8']);
    expect(svc.stop_grace_period).toBe('1m30s');
    expect(svc.expose).toEqual(['3000', '4000-4001']);
  });

  it('expands secrets and configs to long syntax', () => {
    const svc = service({ image: 'x', secrets: ['db_pass', { source: 'tls', target: 'cert.pem', mode: '0440' }], configs: ['nginx_conf'] });
    expect(svc.secrets).toEqual([
      { source: 'db_pass', target: '/run/secrets/db_pass' },
      { source: 'tls', target: '/run/secrets/cert.pem', mode: 0o440 },
    ]);
    expect(svc.configs).toEqual([{ source: 'nginx_conf', target: '/nginx_conf' }]);
  });
});

describe('normalize: implied settings', () => {
  it('adds the dependencies that links, shared namespaces and volumes_from imply', () => {
    const out = normalize(
      {
        services: {
          app: { image: 'x', links: ['db:database'], network_mode: 'service:vpn', pid: 'service:debug', volumes_from: ['store:ro', 'container:ext'], depends_on: { db: { condition: 'service_healthy' } } },
          db: { image: 'x' },
          vpn: { image: 'x' },
          debug: { image: 'x' },
          store: { image: 'x' },
        },
      },
      ctx,
    );
    expect((out.services as Record<string, Record<string, unknown>>).app?.depends_on).toEqual({
      db: { condition: 'service_healthy', required: true },
      vpn: { condition: 'service_started', restart: true, required: true },
      debug: { condition: 'service_started', restart: true, required: true },
      store: { condition: 'service_started', required: true },
    });
  });

  it('keeps scale and deploy.replicas in step and renames if_not_present', () => {
    const svc = service({ image: 'x', scale: 3, pull_policy: 'if_not_present' });
    expect(svc.deploy).toEqual({ replicas: 3 });
    expect(svc.pull_policy).toBe('missing');
  });

  it('refuses external.name together with name', () => {
    expect(() => normalize({ services: {}, volumes: { v: { name: 'a', external: { name: 'b' } } } }, ctx)).toThrow(/cannot use both external\.name/);
  });
});

describe('normalize: project', () => {
  it('names resources after the project unless named or external', () => {
    const out = normalize(
      {
        version: '3.9',
        services: {},
        volumes: { data: null, named: { name: 'custom' }, ext: { external: true }, legacy: { external: { name: 'old' } } },
        secrets: { pw: { file: './pw.txt' }, outside: { external: true } },
        configs: { conf: { content: 'x' } },
      },
      ctx,
    );
    expect(out.version).toBeUndefined();
    expect(out.name).toBe('shop');
    expect(out.volumes).toEqual({
      data: { name: 'shop_data' },
      named: { name: 'custom' },
      ext: { name: 'ext', external: true },
      legacy: { name: 'old', external: true },
    });
    expect(out.secrets).toEqual({ pw: { name: 'shop_pw', file: '/srv/shop/pw.txt' }, outside: { name: 'outside', external: true } });
    expect(out.configs).toEqual({ conf: { name: 'shop_conf', content: 'x' } });
  });

  it('does not modify its input', () => {
    const tree = { services: { a: { image: 'x', ports: ['80'] } } };
    const copy = structuredClone(tree);
    normalize(tree, ctx);
    expect(tree).toEqual(copy);
  });
});

describe('normalize: durations and sizes that do not parse', () => {
  function keyPathOf(svc: Record<string, unknown>): { keyPath: unknown; message: string } {
    try {
      service(svc);
    } catch (err) {
      if (err instanceof ComposeError) return { keyPath: err.keyPath, message: err.message };
      throw err;
    }
    throw new Error('expected a ComposeError');
  }

  it('name the key (the pipeline turns it into a file, line and column)', () => {
    expect(keyPathOf({ image: 'x', healthcheck: { interval: '5 s' } })).toEqual({
      keyPath: ['services', 'web', 'healthcheck', 'interval'],
      message: 'services.web.healthcheck.interval must be a duration such as 1m30s, got "5 s"',
    });
    expect(keyPathOf({ image: 'x', stop_grace_period: 'forever' }).keyPath).toEqual(['services', 'web', 'stop_grace_period']);
    expect(keyPathOf({ image: 'x', deploy: { restart_policy: { delay: 'soon' } } }).keyPath).toEqual(['services', 'web', 'deploy', 'restart_policy', 'delay']);
    expect(keyPathOf({ image: 'x', deploy: { update_config: { parallelism: 'two' } } }).keyPath).toEqual(['services', 'web', 'deploy', 'update_config', 'parallelism']);
    expect(keyPathOf({ image: 'x', deploy: { resources: { limits: { memory: 'lots' } } } })).toEqual({
      keyPath: ['services', 'web', 'deploy', 'resources', 'limits', 'memory'],
      message: 'services.web.deploy.resources.limits.memory must be a size such as 512m, got "lots"',
    });
    expect(keyPathOf({ image: 'x', shm_size: 'big' }).keyPath).toEqual(['services', 'web', 'shm_size']);
    expect(keyPathOf({ build: { context: '.', shm_size: 'big' } }).keyPath).toEqual(['services', 'web', 'build', 'shm_size']);
    expect(keyPathOf({ image: 'x', volumes: [{ type: 'tmpfs', target: '/t', tmpfs: { size: 'big' } }] }).keyPath).toEqual(['services', 'web', 'volumes', 0, 'tmpfs', 'size']);
  });
});

describe('normalize: an error of a helper that knows no key', () => {
  it('is reported at the key whose value it read', () => {
    let caught: unknown;
    try {
      service({ image: 'x', command: 'echo "hi' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ComposeError);
    expect((caught as ComposeError).keyPath).toEqual(['services', 'web', 'command']);
    expect((caught as ComposeError).message).toBe('services.web.command: unterminated double quote in "echo \\"hi"');
  });
});
