import { describe, expect, it } from 'vitest';
import { castTypes } from '../../../src/compose/cast.js';
import { ComposeError } from '../../../src/compose/errors.js';
import { interpolate } from '../../../src/compose/interpolate.js';
import { parseCompose } from '../../../src/compose/load.js';
import { treeLocator } from '../../../src/compose/positions.js';
import { substitute, TemplateError } from '../../../src/compose/template.js';

const env: Record<string, string> = { SET: 'value', EMPTY: '', PORT: '8080', NESTED: 'SET' };
const sub = (s: string) => substitute(s, (k) => env[k]);

describe('substitute', () => {
  it.each([
    ['$SET', 'value'],
    ['${SET}', 'value'],
    ['a-${SET}-b', 'a-value-b'],
    ['$SET.txt', 'value.txt'],
    ['${UNSET:-d}', 'd'],
    ['${EMPTY:-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${UNSET-d}', 'd'],
    ['${SET:-d}', 'value'],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${UNSET:-${PORT}}', '8080'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['${UNSET:-a}${SET}', 'avalue'],
    ['$$SET', '$SET'],
    ['$${SET}', '${SET}'],
    ['cost: 5$', 'cost: 5$'],
    ['$ 1', '$ 1'],
    ['${UNSET:-}', ''],
    ['no vars', 'no vars'],
  ])('%s → %s', (input, expected) => {
    expect(sub(input)).toBe(expected);
  });

  it('fails on required variables with their message', () => {
    expect(() => sub('${UNSET:?please set UNSET}')).toThrow('required variable UNSET is missing a value: please set UNSET');
    expect(() => sub('${EMPTY:?}')).toThrow(TemplateError);
    expect(sub('${EMPTY?x}')).toBe('');
    expect(() => sub('${UNSET?x}')).toThrow(TemplateError);
  });

  it('refuses malformed templates', () => {
    for (const bad of ['${', '${}', '${SET', '${1A}', '${SET:x}', '${SET!}']) expect(() => sub(bad), bad).toThrow(TemplateError);
  });

  it('reports unset variables without defaults', () => {
    const unset: string[] = [];
    substitute('$A ${B} ${C:-x}', () => undefined, { onUnset: (n) => unset.push(n) });
    expect(unset).toEqual(['A', 'B']);
  });
});

describe('interpolate', () => {
  const load = (text: string) => parseCompose(text, 'compose.yaml')[0]!.tree;

  it('substitutes values, not keys, and names file:line:col and key path on error', () => {
    const tree = load('services:\n  ${SET}:\n    image: "app:${SET}"\n    command: ["${PORT}"]\n');
    interpolate(tree, { env, locator: treeLocator(tree) });
    expect(tree).toEqual({ services: { '${SET}': { image: 'app:value', command: ['8080'] } } });

    const bad = load('services:\n  web:\n    image: nginx\n    environment:\n      A: ${MISSING:?must be set}\n');
    let err: unknown;
    try {
      interpolate(bad, { env, locator: treeLocator(bad) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ComposeError);
    expect((err as ComposeError).message).toBe(
      'compose.yaml:5:10: services.web.environment.A: required variable MISSING is missing a value: must be set',
    );
  });

  it('warns once per unset variable', () => {
    const tree = load('x-a: $NOPE\nx-b: ${NOPE}\n');
    const warnings: string[] = [];
    interpolate(tree, { env, locator: treeLocator(tree), onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual(['The "NOPE" variable is not set. Defaulting to a blank string.']);
  });
});

describe('castTypes', () => {
  it('casts interpolated strings where the schema wants numbers and booleans', () => {
    const tree: Record<string, unknown> = {
      services: {
        web: {
          scale: '3',
          cpus: '0.5',
          privileged: 'yes',
          read_only: 'FALSE',
          deploy: { replicas: '2' },
          ports: [{ target: '80' }, '8080:80'],
          healthcheck: { retries: '5' },
          ulimits: { nofile: { soft: '10', hard: '20' }, nproc: '65535' },
          image: '123',
          tty: 'maybe',
        },
      },
      networks: { front: { external: 'true' } },
    };
    castTypes(tree);
    expect(tree).toEqual({
      services: {
        web: {
          scale: 3,
          cpus: 0.5,
          privileged: true,
          read_only: false,
          deploy: { replicas: 2 },
          ports: [{ target: 80 }, '8080:80'],
          healthcheck: { retries: 5 },
          ulimits: { nofile: { soft: 10, hard: 20 }, nproc: 65535 },
          image: '123',
          // Not a boolean: left for the schema check to report with its position.
          tty: 'maybe',
        },
      },
      networks: { front: { external: true } },
    });
  });
});
