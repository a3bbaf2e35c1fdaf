import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkConsistency } from '../../../src/compose/consistency.js';
import { ComposeError, type Locator } from '../../../src/compose/errors.js';
import { bind } from '../../../src/compose/model.js';
import { normalize } from '../../../src/compose/normalize.js';
import { validateSchema } from '../../../src/compose/validate.js';
import { ServiceGraph } from '../../../src/plan/graph.js';

// Whatever passes the schema, the later phases must either accept or refuse with a
// ComposeError: never a TypeError from a shape the transforms did not expect. Realistic
// trees from the corpus get one value replaced by something the schema may still allow.

const CORPUS = fileURLToPath(new URL('../../fixtures/corpus', import.meta.url));
const nowhere: Locator = { locate: () => undefined };

const trees: Record<string, unknown>[] = readdirSync(CORPUS)
  .map((d) => ['compose.yaml', 'compose.yml', 'docker-compose.yml'].map((f) => path.join(CORPUS, d, f)).find((f) => existsSync(f)))
  .filter((f): f is string => f !== undefined)
  .map((f) => parse(readFileSync(f, 'utf8'), { merge: true }) as Record<string, unknown>);

type Slot = { parent: Record<string | number, unknown>; key: string | number };

function slots(node: unknown, out: Slot[] = []): Slot[] {
  if (typeof node !== 'object' || node === null) return out;
  const parent = node as Record<string | number, unknown>;
  for (const key of Array.isArray(node) ? [...node.keys()] : Object.keys(node)) {
    out.push({ parent, key });
    slots(parent[key], out);
  }
  return out;
}

const tricky = fc.constantFrom(
  '80:80', '::', '[::1]:80', '1-2:3-4/udp', 'a:b:c:d', '/x:/y:ro,z', '~', '', '-1', '1g', '0x10', '1.5', 'service:ghost',
  'container:x', 'x=1', '=', 'CMD', 'none', '${X}', '1h', 'true', 'all',
);
const replacement = fc.oneof(
  tricky,
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -70000, max: 70000 }),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(tricky, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('source', 'target', 'type', 'soft', 'hard', 'condition', 'name', 'x-a'), tricky, { maxKeys: 2 }),
);

function runPhases(tree: Record<string, unknown>): void {
  try {
    validateSchema(tree, nowhere);
  } catch (err) {
    if (!(err instanceof ComposeError)) throw err;
    // One readable message about one place in the tree.
    if (err.keyPath === undefined || /undefined|\[object/.test(err.message)) throw new Error(`unhelpful schema error: ${err.message}`);
    return;
  }
  try {
    const project = bind(normalize(tree, { projectName: 'fuzz', projectDirectory: '/fuzz', env: { HOME: '/root' } }));
    checkConsistency(project, nowhere);
    new ServiceGraph(project).startLevels();
  } catch (err) {
    if (!(err instanceof ComposeError)) throw err;
  }
}

describe('normalize robustness', () => {
  it('every corpus tree passes all phases unchanged or fails with a ComposeError', () => {
    for (const tree of trees) expect(() => runPhases(structuredClone(tree))).not.toThrow();
  });

  it('a mutated tree that passes the schema never breaks a later phase', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), replacement, (which, where, value) => {
        const tree = structuredClone(trees[which % trees.length] ?? {});
        const all = slots(tree);
        const slot = all[where % Math.max(all.length, 1)];
        if (slot !== undefined) slot.parent[slot.key] = value;
        runPhases(tree);
      }),
      { numRuns: 1500 },
    );
  });
});
