import { describe, expect, it } from 'vitest';
import { ComposeError, formatKeyPath, type KeyPath, type Locator } from '../../../src/compose/errors.js';
import { validateSchema } from '../../../src/compose/validate.js';

/** A locator that knows the positions listed, keyed by formatted key path. */
function locatorOf(positions: Record<string, [number, number]>): Locator {
  return {
    locate(path: KeyPath) {
      const hit = positions[formatKeyPath(path)];
      return hit === undefined ? undefined : { file: 'compose.yaml', line: hit[0], col: hit[1] };
    },
  };
}

function schemaError(tree: Record<string, unknown>, locator: Locator = locatorOf({})): ComposeError {
  try {
    validateSchema(tree, locator);
  } catch (err) {
    if (err instanceof ComposeError) return err;
    throw err;
  }
  throw new Error('expected a schema error');
}

describe('validateSchema', () => {
  it('accepts a realistic file with extensions at every level and the obsolete version key', () => {
    const tree = {
      version: '3.8',
      name: 'shop',
      'x-common': { restart: 'always' },
      services: {
        web: {
          image: 'nginx',
          ports: ['8080:80', 443, { target: 9000, published: '9000', 'x-note': 1 }],
          volumes: ['./html:/usr/share/nginx/html:ro', { type: 'volume', source: 'data', target: '/data' }],
          depends_on: { db: { condition: 'service_healthy' } },
          environment: ['A=1', 'B'],
          healthcheck: { test: 'curl -f http://localhost', interval: '10s', retries: 3 },
          deploy: { resources: { limits: { cpus: '0.5', memory: '512m' } } },
          ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: 512 },
          'x-extra': true,
        },
        db: { image: 'postgres', environment: { POSTGRES_PASSWORD: 'x', PORT: 5432, DEBUG: null } },
      },
      networks: { front: null, back: { driver: 'bridge', 'x-n': 1 } },
      volumes: { data: null, ext: { external: true } },
      secrets: { s: { file: './s.txt' } },
      configs: { c: { content: 'hello' } },
    };
    expect(() => validateSchema(tree, locatorOf({}))).not.toThrow();
  });

  it('names the deepest path and merges the union of accepted types', () => {
    const err = schemaError(
      { services: { web: { image: 'x', ports: [true] } } },
      locatorOf({ 'services.web.ports[0]': [14, 9] }),
    );
    expect(err.kind).toBe('schema');
    expect(err.message).toBe('compose.yaml:14:9: services.web.ports[0] must be a number, string or mapping');
    expect(err.keyPath).toEqual(['services', 'web', 'ports', 0]);
  });

  it('reports an unknown option at the key itself', () => {
    const err = schemaError({ services: { web: { image: 'x', imagee: 'y' } } }, locatorOf({ 'services.web.imagee': [3, 5] }));
    expect(err.message).toBe('compose.yaml:3:5: services.web: additional property "imagee" is not allowed');
  });

  it('falls back to the nearest located ancestor', () => {
    const err = schemaError({ services: { web: { image: 'x', healthcheck: { retries: true } } } }, locatorOf({ 'services.web': [2, 3] }));
    expect(err.message).toBe('compose.yaml:2:3: services.web.healthcheck.retries must be a number or string');
    expect(err.position).toEqual({ file: 'compose.yaml', line: 2, col: 3 });
  });

  it('prefers an enum error over union noise', () => {
    const err = schemaError({ services: { a: { image: 'x', depends_on: { b: { condition: 'service_ready' } } }, b: { image: 'y' } } });
    expect(err.message).toBe('services.a.depends_on.b.condition must be one of: service_started, service_healthy, service_completed_successfully');
  });

  it('prefers the union branch that matched the value type', () => {
    expect(schemaError({ services: { a: { image: 'x', gpus: 'some' } } }).message).toBe('services.a.gpus must be one of: all');
    expect(schemaError({ services: { a: { image: 'x', gpus: 3 } } }).message).toBe('services.a.gpus must be a string or list');
    expect(schemaError({ services: { a: { image: 'x', cgroup: 5 } } }).message).toBe('services.a.cgroup must be a string');
  });

  it('rejects unknown top-level keys but not x- extensions', () => {
    expect(schemaError({ services: {}, servics: {} }).message).toBe('(root): additional property "servics" is not allowed');
    expect(() => validateSchema({ services: {}, 'x-anything': [1, 2] }, locatorOf({}))).not.toThrow();
  });

  it('requires type on long-syntax volumes and rejects unknown volume types', () => {
    expect(schemaError({ services: { a: { volumes: [{ source: 'x', target: '/x' }] } } }).message).toBe('services.a.volumes[0] requires "type"');
    expect(schemaError({ services: { a: { volumes: [{ type: 'nfs', target: '/x' }] } } }).message).toContain('services.a.volumes[0].type must be one of: bind, volume');
  });

  it('rejects invalid service names and list items of the wrong type', () => {
    expect(schemaError({ services: { 'bad name': { image: 'x' } } }).message).toBe('services: additional property "bad name" is not allowed');
    expect(schemaError({ services: { a: { environment: ['A=1', 2] } } }).message).toBe('services.a.environment[1] must be a string');
  });

  it('explains name patterns in words', () => {
    expect(schemaError({ name: 'My App', services: {} }).message).toBe(
      'name must contain only lowercase letters, digits, dashes and underscores, and start with a letter or digit',
    );
    expect(schemaError({ services: { a: { image: 'x', container_name: '-bad' } } }).message).toContain('services.a.container_name must be at least two characters');
  });

  it('accepts interpolated strings where Compose casts later', () => {
    expect(() =>
      validateSchema({ services: { a: { image: 'x', cpus: '1.5', init: 'true', scale: '2', mem_limit: '1g', ports: ['${PORT}:80'] } } }, locatorOf({})),
    ).not.toThrow();
  });

  it('follows the specification on required keys', () => {
    expect(schemaError({ services: { a: { image: 'x', depends_on: { b: { required: false } } }, b: { image: 'y' } } }).message).toBe(
      'services.a.depends_on.b requires "condition"',
    );
    expect(schemaError({ services: { a: { image: 'x', devices: [{ target: '/dev/x' }] } } }).message).toBe('services.a.devices[0] requires "source"');
    const reservation = { resources: { reservations: { devices: [{ driver: 'nvidia', count: 1 }] } } };
    expect(schemaError({ services: { a: { image: 'x', deploy: reservation } } }).message).toBe(
      'services.a.deploy.resources.reservations.devices[0] requires "capabilities"',
    );
  });

  it('accepts the newer sections: models, provider, gpus, develop', () => {
    const tree = {
      models: { llm: { model: 'ai/smollm2' } },
      services: {
        chat: { image: 'x', models: ['llm'], gpus: [{ driver: 'nvidia', count: 1 }], develop: null },
        ext: { provider: { type: 'model', options: { model: 'ai/x' } } },
        gpu: { image: 'x', gpus: 'all' },
      },
    };
    expect(() => validateSchema(tree, locatorOf({}))).not.toThrow();
  });
});
