import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The CLI loads the validator that scripts/build-schema.mjs precompiles; it must load as
// plain ESM under Node (ajv's standalone output uses require(), which the script patches)
// and judge documents exactly as the schema does.

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
// Inside the package so the generated module resolves ajv's runtime from node_modules.
const outDir = mkdtempSync(path.join(ROOT, 'node_modules', '.berth-schema-test-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; keyword: string }[] | null };

describe('precompiled schema validator', () => {
  it('is written as an ESM module that validates', async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-schema.mjs'), outDir]);
    const file = path.join(outDir, 'schema-validator.js');
    expect(readFileSync(file, 'utf8')).not.toMatch(/^"use strict";const/);
    const validate = ((await import(pathToFileURL(file).href)) as { default: Validate }).default;
    expect(validate({ services: { web: { image: 'nginx', ports: ['80:80'], volumes: ['a:/a', 'b:/b'] } } })).toBe(true);
    expect(validate({ services: { web: { image: 'nginx', volumes: ['a:/a', 'a:/a'] } } })).toBe(false);
    expect(validate.errors?.map((e) => [e.instancePath, e.keyword])).toEqual([['/services/web/volumes', 'uniqueItems']]);
  });

  it('fails the build when the schema is missing', () => {
    // A copy of the script in a package root without schemas/ (still below node_modules,
    // so ajv resolves and the failure is the missing schema, not a missing package).
    const scratch = path.join(outDir, 'pkg');
    mkdirSync(path.join(scratch, 'scripts'), { recursive: true });
    copyFileSync(path.join(ROOT, 'scripts/build-schema.mjs'), path.join(scratch, 'scripts/build-schema.mjs'));
    let stderr = '';
    try {
      execFileSync(process.execPath, [path.join(scratch, 'scripts/build-schema.mjs'), scratch], { stdio: 'pipe' });
    } catch (err) {
      stderr = String((err as { stderr?: Buffer }).stderr);
      expect((err as { status?: number }).status).toBe(1);
    }
    expect(stderr).toContain('build-schema: schemas/compose.schema.json is missing');
  });
});
