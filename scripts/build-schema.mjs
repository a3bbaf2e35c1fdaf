// Compiles schemas/compose.schema.json ahead of time into a standalone ajv validator
// (dist/compose/schema-validator.js), so the CLI does not pay for schema compilation at start.
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = path.join(root, 'schemas', 'compose.schema.json');
// argv[2] overrides the output directory (tests build into a scratch directory).
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'compose'));

if (!existsSync(schemaPath)) {
  console.error('build-schema: schemas/compose.schema.json is missing');
  process.exit(1);
}
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
// allErrors: validate.ts picks the most specific error itself, so it needs all of them.
// inlineRefs: false compiles each $ref'd definition once, as its own function, instead of
// copying it into every place that refers to it: a quarter less code for Node to parse and
// compile at every start of `berth config` (~7 ms of ~20 ms spent on the validator).
// validate.ts compiles with the same options when there is no precompiled validator.
const ajv = new Ajv({ allErrors: true, strict: false, inlineRefs: false, code: { source: true, esm: true } });
const validate = ajv.compile(schema);
let code = standaloneCode(ajv, validate);
// Even in ESM mode ajv emits require() for its runtime helpers (deep equality for
// uniqueItems); give the module a require of its own so it loads as ESM under Node.
if (code.includes('require(')) {
  code = code.replace(/^"use strict";/, '"use strict";import { createRequire } from "node:module";const require = createRequire(import.meta.url);');
}
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'schema-validator.js'), code);
