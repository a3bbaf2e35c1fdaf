// Compiles schemas/compose.schema.json ahead of time into a standalone ajv validator
// (dist/compose/schema-validator.js), so the CLI does not pay for schema compilation at start.
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = path.join(root, 'schemas', 'compose.schema.json');
const outDir = path.join(root, 'dist', 'compose');

if (!existsSync(schemaPath)) {
  console.error('build-schema: schemas/compose.schema.json is missing');
  process.exit(0);
}
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false, code: { source: true, esm: true } });
const validate = ajv.compile(schema);
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'schema-validator.js'), standaloneCode(ajv, validate));
