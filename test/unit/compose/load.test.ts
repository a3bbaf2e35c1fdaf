import { describe, expect, it } from 'vitest';
import { ComposeError } from '../../../src/compose/errors.js';
import { parseCompose } from '../../../src/compose/load.js';
import { treeLocator } from '../../../src/compose/positions.js';
import { yaml } from './testdir.js';

const parseOne = (text: string) => {
  const docs = parseCompose(text, 'compose.yaml');
  expect(docs).toHaveLength(1);
  return docs[0]!;
};

const failure = (text: string): ComposeError => {
  try {
    parseCompose(text, 'compose.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ComposeError);
    return err as ComposeError;
  }
  throw new Error('expected a ComposeError');
};

describe('parseCompose', () => {
  it('records the position of every entry', () => {
    const doc = parseOne(yaml`
      services:
        web:
          image: nginx
          ports:
            - "8080:80"
            - 9090:90
    `);
    const loc = treeLocator(doc.tree);
    expect(loc.locate(['services', 'web', 'image'])).toEqual({ file: 'compose.yaml', line: 3, col: 12 });
    expect(loc.locate(['services', 'web', 'ports', 1])).toEqual({ file: 'compose.yaml', line: 6, col: 9 });
    expect(loc.locate(['services', 'web'])).toEqual({ file: 'compose.yaml', line: 2, col: 3 });
    // A path a later phase invents lands on its nearest written ancestor.
    expect(loc.locate(['services', 'web', 'ports', 0, 'target'])).toEqual({ file: 'compose.yaml', line: 5, col: 9 });
  });

  it('resolves anchors, aliases and << merge keys with explicit keys winning', () => {
    const doc = parseOne(yaml`
      x-base: &base
        image: busybox
        restart: always
      x-more: &more
        restart: "no"
        tty: true
      services:
        a:
          <<: [*base, *more]
          image: alpine
        b: *base
    `);
    const services = doc.tree.services as Record<string, Record<string, unknown>>;
    expect(services.a).toEqual({ image: 'alpine', restart: 'always', tty: true });
    expect(services.b).toEqual({ image: 'busybox', restart: 'always' });
  });

  it('refuses duplicate keys with the position of the second one', () => {
    const err = failure('services:\n  web:\n    image: a\n    image: b\n');
    expect(err.kind).toBe('duplicate_key');
    expect(err.position).toEqual({ file: 'compose.yaml', line: 4, col: 5 });
    expect(err.message).toBe('compose.yaml:4:5: services.web: duplicate key "image"');
  });

  it('reports YAML syntax errors with a position', () => {
    const err = failure('services:\n  web:\n    image: "unterminated\n');
    expect(err.kind).toBe('yaml_syntax');
    expect(err.position?.file).toBe('compose.yaml');
    expect(err.position?.line).toBeGreaterThanOrEqual(3);
  });

  it('records !reset and !override as tag paths and drops reset values', () => {
    const doc = parseOne(yaml`
      services:
        web:
          ports: !reset []
          environment: !override
            A: "1"
          command: !override echo hi
          cpus: !override 1.5
    `);
    // In path order: the tags are a set, kept in one order both parsers can give.
    expect(doc.tags).toEqual([
      { path: ['services', 'web', 'command'], tag: 'override' },
      { path: ['services', 'web', 'cpus'], tag: 'override' },
      { path: ['services', 'web', 'environment'], tag: 'override' },
      { path: ['services', 'web', 'ports'], tag: 'reset' },
    ]);
    expect(doc.tree.services).toEqual({ web: { environment: { A: '1' }, command: 'echo hi', cpus: 1.5 } });
  });

  it('splits multi-document files and skips empty documents', () => {
    const docs = parseCompose('services: {a: {image: x}}\n---\n---\nservices: {b: {image: y}}\n', 'f.yaml');
    expect(docs.map((d) => Object.keys(d.tree.services as object))).toEqual([['a'], ['b']]);
  });

  it('refuses a top-level value that is not a mapping', () => {
    expect(failure('- a\n- b\n').kind).toBe('schema');
  });

  it('refuses self-referencing aliases instead of looping', () => {
    const err = failure('a: &x\n  b: *x\n');
    expect(err).toBeInstanceOf(ComposeError);
    expect(err.position).toBeDefined();
  });

  it('keeps YAML 1.2 scalars: yes stays a string, numbers are numbers', () => {
    const doc = parseOne('x-a: yes\nx-b: 0x10\nx-c: ~\nx-d: "8080"\n');
    expect(doc.tree).toEqual({ 'x-a': 'yes', 'x-b': 16, 'x-c': null, 'x-d': '8080' });
  });

  it('reads the non-specific tag `!` as a string, an empty one as "" (fast-check found js-yaml giving null)', () => {
    expect(parseOne('services:\n  worker:\n    image: !\n').tree).toEqual({ services: { worker: { image: '' } } });
    expect(parseOne('x-a: ! 12\n').tree).toEqual({ 'x-a': '12' });
  });
});
