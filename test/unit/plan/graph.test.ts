import { describe, expect, it } from 'vitest';
import { ComposeError } from '../../../src/compose/errors.js';
import { bind, type Project } from '../../../src/compose/model.js';
import { normalize } from '../../../src/compose/normalize.js';
import { ServiceGraph, dependenciesOf, dependentsOf, selectServices, startLevels, stopLevels } from '../../../src/plan/graph.js';

function project(services: Record<string, Record<string, unknown>>): Project {
  return bind(normalize({ services }, { projectName: 'g', projectDirectory: '/g', env: {} }));
}

// web → api → db, api → cache; worker → db; proxy shares web's network namespace.
const shop = project({
  web: { image: 'x', depends_on: ['api'] },
  api: { image: 'x', depends_on: { db: { condition: 'service_healthy' }, cache: { condition: 'service_started' } } },
  db: { image: 'x' },
  cache: { image: 'x' },
  worker: { image: 'x', links: ['db:database'] },
  proxy: { image: 'x', network_mode: 'service:web' },
  backup: { image: 'x', volumes_from: ['db:ro', 'container:external'] },
});

describe('service graph', () => {
  it('starts dependencies first, in parallel levels', () => {
    expect(startLevels(shop)).toEqual([['cache', 'db'], ['api', 'backup', 'worker'], ['web'], ['proxy']]);
  });

  it('stops dependents first', () => {
    expect(stopLevels(shop)).toEqual([['backup', 'proxy', 'worker'], ['web'], ['api'], ['cache', 'db']]);
  });

  it('answers transitive dependencies and dependents', () => {
    expect(dependenciesOf(shop, 'web').sort()).toEqual(['api', 'cache', 'db']);
    expect(dependentsOf(shop, 'db').sort()).toEqual(['api', 'backup', 'proxy', 'web', 'worker']);
    expect(new ServiceGraph(shop).directDependenciesOf('proxy')).toEqual(['web']);
  });

  it('selects the named services plus their dependencies', () => {
    expect(selectServices(shop, ['web']).sort()).toEqual(['api', 'cache', 'db', 'web']);
    expect(selectServices(shop, []).length).toBe(7);
    expect(new ServiceGraph(shop).startLevels(selectServices(shop, ['worker']))).toEqual([['db'], ['worker']]);
    expect(() => selectServices(shop, ['nope'])).toThrow(/no such service: nope/);
  });

  it('refuses a cycle and names it', () => {
    const cyclic = project({ a: { image: 'x', depends_on: ['b'] }, b: { image: 'x', depends_on: ['c'] }, c: { image: 'x', links: ['a'] } });
    let caught: unknown;
    try {
      new ServiceGraph(cyclic);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ComposeError);
    expect((caught as ComposeError).kind).toBe('cycle');
    expect((caught as ComposeError).message).toBe('dependency cycle detected: a -> b -> c -> a');
  });

  it('refuses a service depending on itself', () => {
    expect(() => startLevels(project({ a: { image: 'x', depends_on: ['a'] } }))).toThrow('dependency cycle detected: a -> a');
  });

  it('ignores optional dependencies on absent services', () => {
    const p = project({ a: { image: 'x', depends_on: { ghost: { required: false } } } });
    expect(startLevels(p)).toEqual([['a']]);
  });
});
