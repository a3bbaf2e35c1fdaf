import { describe, expect, it } from 'vitest';
import { parseCompose } from '../../../src/compose/load.js';
import { parseWithPositions } from '../../../src/compose/yaml-positions.js';
import { yaml } from './testdir.js';

// An alias to a node written with !reset or !override: the property test found the two
// parsers reading these differently (js-yaml merged a wrapper's fields into the service).
// Both now agree: `<<` merges the anchored mapping's entries, and an alias used as a value
// carries its anchor's tag, as compose-go's reset processing has it.

const both = (text: string) => {
  const read = (f: typeof parseCompose) => f(text, 'f.yaml').map((d) => ({ tree: d.tree, tags: d.tags }));
  const fast = read(parseCompose);
  expect(fast).toEqual(read(parseWithPositions));
  return fast[0]!;
};

describe('aliases of tagged nodes', () => {
  it('merges the entries of a !reset anchored mapping through <<', () => {
    const doc = both(yaml`
      x-common: !reset &common
        restart: always
      services:
        web:
          <<: *common
          image: nginx
    `);
    expect(doc.tree).toEqual({ services: { web: { restart: 'always', image: 'nginx' } } });
    expect(doc.tags).toEqual([{ path: ['x-common'], tag: 'reset' }]);
  });

  it('carries the anchor tag to an alias used as a value', () => {
    const doc = both(yaml`
      x-a: !override &a {k: 1}
      services:
        web:
          image: nginx
          labels: *a
    `);
    expect(doc.tree).toEqual({ 'x-a': { k: 1 }, services: { web: { image: 'nginx', labels: { k: 1 } } } });
    expect(doc.tags).toEqual([
      { path: ['services', 'web', 'labels'], tag: 'override' },
      { path: ['x-a'], tag: 'override' },
    ]);
  });

  it('takes a tag inside a << source only for the keys the source gives', () => {
    // web writes restart itself, so the source's `restart: !reset` is not web's; the
    // second source's environment loses to the first's.
    const doc = both(yaml`
      x-a: &a
        restart: !reset no
        environment: {A: !reset "1"}
      x-b: &b
        environment: !override {B: "2"}
        image: !reset x
      services:
        web:
          <<: [*a, *b]
          restart: always
    `);
    expect(doc.tree.services).toEqual({ web: { restart: 'always', environment: {} } });
    expect(doc.tags).toEqual([
      { path: ['services', 'web', 'environment', 'A'], tag: 'reset' },
      { path: ['services', 'web', 'image'], tag: 'reset' },
      { path: ['x-a', 'environment', 'A'], tag: 'reset' },
      { path: ['x-a', 'restart'], tag: 'reset' },
      { path: ['x-b', 'environment'], tag: 'override' },
      { path: ['x-b', 'image'], tag: 'reset' },
    ]);
  });

  it('reads a tag on an empty node as null, anchored or not', () => {
    const doc = both('x: !override &c\ny: *c\nz: !override\n');
    expect(doc.tree).toEqual({ x: null, y: null, z: null });
  });

  it('re-reads a plain tagged scalar but keeps a quoted one as text', () => {
    const doc = both('a: !override 0440\nb: !override "0440"\nc: [!override \'12\', !override &x 12, *x]\n');
    expect(doc.tree).toEqual({ a: 288, b: '0440', c: ['12', 12, 12] });
  });

  it('drops an alias of a !reset sequence entry like the entry itself', () => {
    const doc = both('list: [!reset &r x, *r, y]\n');
    expect(doc.tree).toEqual({ list: ['y'] });
  });
});
