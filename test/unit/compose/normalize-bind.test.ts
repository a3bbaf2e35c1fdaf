import { describe, expect, it } from 'vitest';
import { ComposeError } from '../../../src/compose/errors.js';
import { bind } from '../../../src/compose/model.js';
import { normalize } from '../../../src/compose/normalize.js';

const ctx = { projectName: 'p', projectDirectory: '/p', env: {} };

describe('bind', () => {
  it('prints in Compose order: sorted services and maps, struct field order, extensions last', () => {
    const project = bind(
      normalize(
        {
          'x-top': 1,
          volumes: { b: {}, a: {} },
          services: {
            zeta: { 'x-own': true, image: 'z', environment: { B: '2', A: '1' }, command: 'run', build: '.' },
            alpha: { image: 'a', ports: ['80'] },
          },
        },
        ctx,
      ),
    );
    expect(Object.keys(project)).toEqual(['name', 'services', 'networks', 'volumes', 'x-top']);
    expect(Object.keys(project.services)).toEqual(['alpha', 'zeta']);
    expect(Object.keys(project.services.zeta ?? {})).toEqual(['build', 'command', 'entrypoint', 'environment', 'image', 'networks', 'x-own']);
    expect(Object.keys(project.services.zeta?.environment ?? {})).toEqual(['A', 'B']);
    expect(Object.keys(project.volumes ?? {})).toEqual(['a', 'b']);
    expect(JSON.stringify(project.services.alpha)).toBe(
      '{"command":null,"entrypoint":null,"image":"a","networks":{"default":null},"ports":[{"mode":"ingress","target":80,"protocol":"tcp"}]}',
    );
  });

  it('refuses trees that did not go through normalize()', () => {
    expect(() => bind({ services: {} })).toThrow(ComposeError);
    expect(() => bind({ name: 'p', services: { a: { command: 'not split' } } })).toThrow(/not normalized/);
    expect(() => bind({ name: 'p', services: {}, volumes: { v: {} } })).toThrow(/volumes\.v has no name/);
  });

  it('does not share structure with its input', () => {
    const tree = normalize({ services: { a: { image: 'x', ports: ['80'] } } }, ctx);
    const project = bind(tree);
    project.services.a?.ports?.push({ mode: 'ingress', target: 1, protocol: 'tcp' });
    expect(((tree.services as Record<string, Record<string, unknown[]>>).a?.ports ?? []).length).toBe(1);
  });
});
