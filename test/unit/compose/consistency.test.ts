import { describe, expect, it } from 'vitest';
import { checkConsistency } from '../../../src/compose/consistency.js';
import { ComposeError, formatKeyPath, type KeyPath, type Locator } from '../../../src/compose/errors.js';
import { bind, type Project } from '../../../src/compose/model.js';
import { normalize } from '../../../src/compose/normalize.js';

const nowhere: Locator = { locate: () => undefined };

function project(tree: Record<string, unknown>): Project {
  return bind(normalize(tree, { projectName: 'app', projectDirectory: '/app', env: {} }));
}

function failure(tree: Record<string, unknown>, locator: Locator = nowhere): ComposeError {
  try {
    checkConsistency(project(tree), locator);
  } catch (err) {
    if (err instanceof ComposeError) return err;
    throw err;
  }
  throw new Error('expected a consistency error');
}

describe('checkConsistency', () => {
  it('accepts a consistent project', () => {
    const tree = {
      services: {
        web: { image: 'nginx', depends_on: ['api'], ports: ['80:80'], networks: ['front'], links: ['api:backend'] },
        api: { image: 'api', volumes: ['data:/data', './src:/src', '/anon'], secrets: ['token'], configs: ['conf'], networks: ['front', 'back'] },
        sidecar: { image: 'x', network_mode: 'service:api', volumes_from: ['api:ro', 'container:legacy'] },
        lb: { image: 'y', ports: ['9000-9005:9000'], deploy: { replicas: 2 }, networks: ['front'] },
        dns: { image: 'z', ports: ['127.0.0.1:8080:80', '8080:80/udp'] },
      },
      networks: { front: {}, back: {} },
      volumes: { data: {} },
      secrets: { token: { file: './token' } },
      configs: { conf: { content: 'x' } },
    };
    expect(() => checkConsistency(project(tree), nowhere)).not.toThrow();
  });

  it.each([
    [{ a: { image: 'x', depends_on: ['db'] } }, 'service "a" depends on undefined service "db"'],
    [{ a: { image: 'x', links: ['db:database'] } }, 'service "a" refers to undefined service "db" in links'],
    [{ a: { image: 'x', network_mode: 'service:vpn' } }, 'service "a" refers to undefined service "vpn" in network_mode'],
    [{ a: { image: 'x', volumes_from: ['store:ro'] } }, 'service "a" refers to undefined service "store" in volumes_from'],
    [{ a: { image: 'x', networks: ['front'] } }, 'service "a" refers to undefined network "front"'],
    [{ a: { image: 'x', volumes: ['data:/data'] } }, 'service "a" refers to undefined volume "data"'],
    [{ a: { image: 'x', secrets: ['pw'] } }, 'service "a" refers to undefined secret "pw"'],
    [{ a: { image: 'x', configs: ['conf'] } }, 'service "a" refers to undefined config "conf"'],
    [{ a: { build: { context: '.', secrets: ['npmrc'] } } }, 'service "a" refers to undefined secret "npmrc"'],
    [{ a: { image: 'x', ipc: 'service:shm' } }, 'service "a" refers to undefined service "shm" in ipc'],
  ])('refuses undefined references: %j', (services, message) => {
    const err = failure({ services });
    expect(err.kind).toBe('undefined_reference');
    expect(err.message).toBe(message);
  });

  it('refuses a service with nothing to run and a malformed healthcheck', () => {
    expect(failure({ services: { a: { environment: ['A=1'] } } }).message).toBe('service "a" has neither an image nor a build context specified');
    const cpus = failure({ services: { a: { image: 'x', cpus: -1 } } });
    expect(cpus.message).toBe('service "a": cpus cannot be negative (-1)');
    expect(cpus.keyPath).toEqual(['services', 'a', 'cpus']);
    expect(failure({ services: { a: { image: 'x', scale: -2 } } }).keyPath).toEqual(['services', 'a', 'scale']);
    expect(failure({ services: { a: { image: 'x', deploy: { resources: { limits: { cpus: -0.5 } } } } } }).keyPath).toEqual(['services', 'a', 'deploy', 'resources', 'limits', 'cpus']);
    const ip = failure({ services: { a: { image: 'x', networks: { n: { ipv4_address: '10.0.0.300' } } } }, networks: { n: {} } });
    expect(ip.message).toBe('service "a": invalid IPv4 address "10.0.0.300" on network "n"');
    expect(ip.keyPath).toEqual(['services', 'a', 'networks', 'n', 'ipv4_address']);
    expect(failure({ services: { a: { image: 'x', networks: { n: { ipv6_address: '2001:db8::g' } } } }, networks: { n: {} } }).keyPath).toEqual(['services', 'a', 'networks', 'n', 'ipv6_address']);
    const dns = failure({ services: { a: { image: 'x', dns: ['8.8.8.8', 'not-an-ip'] } } });
    expect(dns.message).toBe('service "a": dns server "not-an-ip" is not an IP address');
    expect(dns.keyPath).toEqual(['services', 'a', 'dns', 1]);
    // An empty image is none (compose-go), reported at the key.
    const empty = failure({ services: { a: { image: '' } } });
    expect(empty.message).toBe('service "a" has neither an image nor a build context specified');
    expect(empty.keyPath).toEqual(['services', 'a', 'image']);
    expect(failure({ services: { a: { image: 'x', healthcheck: { test: ['curl', 'localhost'] } } } }).message).toContain('healthcheck.test must start with "CMD"');
    expect(failure({ services: { a: { image: 'x', restart: 'sometimes' } } }).message).toContain('invalid restart policy "sometimes"');
    expect(failure({ services: { a: { image: 'x', volumes: [{ type: 'bind', target: '/x' }] } } }).message).toBe('service "a" mounts a bind at /x without a source');
    expect(failure({ services: { a: { image: 'x', volumes: [{ type: 'volume', source: 'v' }] } }, volumes: { v: {} } }).message).toBe(
      'service "a" mounts a volume without a target',
    );
    expect(() => checkConsistency(project({ services: { a: { image: 'x', restart: 'on-failure:3' } } }), nowhere)).not.toThrow();
  });

  it('refuses configured external resources and secrets without a source', () => {
    expect(failure({ services: {}, volumes: { v: { external: true, driver: 'local' } } }).message).toBe(
      'conflicting parameters "external" and "driver" specified for volume "v"',
    );
    expect(failure({ services: {}, secrets: { s: { labels: ['a=b'] } } }).message).toBe('secret "s" must declare one of file, environment or external');
    expect(failure({ services: {}, configs: { c: { file: './c', content: 'x' } } }).kind).toBe('conflict');
  });

  it('refuses two services asking for the same container name', () => {
    expect(failure({ services: { a: { image: 'x', container_name: 'db' }, b: { image: 'y', container_name: 'db' } } }).message).toBe(
      'services "a" and "b" both set container_name "db"',
    );
  });

  it('lets an optional dependency be absent', () => {
    expect(() => checkConsistency(project({ services: { a: { image: 'x', depends_on: { db: { required: false } } } } }), nowhere)).not.toThrow();
  });

  it('refuses conflicting options', () => {
    expect(failure({ services: { a: { image: 'x', network_mode: 'host', networks: ['default'] } } }).message).toBe(
      'service "a" declares mutually exclusive network_mode and networks',
    );
    expect(failure({ services: { a: { image: 'x', container_name: 'solo', deploy: { replicas: 3 } } } }).message).toContain('runs 3 replicas');
    expect(failure({ services: { a: { image: 'x', scale: 2, deploy: { replicas: 3 } } } }).kind).toBe('conflict');
  });

  it('refuses a host port published twice', () => {
    const err = failure({ services: { a: { image: 'x', ports: ['8080:80'] }, b: { image: 'y', ports: ['0.0.0.0:8080:8080'] } } });
    expect(err.kind).toBe('conflict');
    expect(err.message).toBe('service "b" publishes tcp port 8080, already published by service "a"');
    expect(failure({ services: { a: { image: 'x', ports: ['8080:80'], scale: 2 } } }).message).toContain('runs 2 replicas');
  });

  it('points at the nearest position the locator knows', () => {
    const positions: Record<string, number> = { 'services.web.depends_on': 7 };
    const locator: Locator = {
      locate: (path: KeyPath) => {
        const line = positions[formatKeyPath(path)];
        return line === undefined ? undefined : { file: 'compose.yaml', line, col: 5 };
      },
    };
    const err = failure({ services: { web: { image: 'x', depends_on: ['db'] } } }, locator);
    expect(err.message).toBe('compose.yaml:7:5: service "web" depends on undefined service "db"');
    expect(err.keyPath).toEqual(['services', 'web', 'depends_on', 'db']);
  });
});
