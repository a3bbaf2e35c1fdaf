import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LoadOptions } from '../../../src/compose/load-options.js';
import { loadProject } from '../../../src/compose/pipeline.js';

// Realistic compose projects, each loaded through the whole pipeline and compared with
// the `docker compose config --format json` shape stored next to it (expected.json), or
// with the one error it must produce (expected-error.txt). Absolute paths are stored
// relative to a placeholder so the corpus can live anywhere.
// BERTH_UPDATE_CORPUS=1 rewrites the expectations; read the diff before committing.

const ROOT = fileURLToPath(new URL('../../fixtures/corpus', import.meta.url));
const PLACEHOLDER = '/corpus';
const UPDATE = process.env.BERTH_UPDATE_CORPUS === '1';

interface CaseOptions {
  files?: string[];
  profiles?: string[];
  services?: string[];
  env?: Record<string, string>;
  envFiles?: string[];
}

function optionsFor(dir: string): LoadOptions {
  const file = path.join(dir, 'options.json');
  const opts: CaseOptions = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CaseOptions) : {};
  // A fixed environment: the host's variables must not leak into the expectations.
  return { cwd: dir, files: opts.files, profiles: opts.profiles, services: opts.services, envFiles: opts.envFiles, env: { HOME: '/home/corpus', ...opts.env } };
}

function portable(text: string): string {
  return text.split(ROOT).join(PLACEHOLDER);
}

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('compose corpus', () => {
  it('has at least 40 projects', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('%s', async (name) => {
    const dir = path.join(ROOT, name);
    const expectedFile = path.join(dir, 'expected.json');
    const errorFile = path.join(dir, 'expected-error.txt');
    if (existsSync(errorFile)) {
      const expected = readFileSync(errorFile, 'utf8').trim();
      await expect(loadProject(optionsFor(dir)).catch((err: unknown) => Promise.reject(new Error(portable((err as Error).message))))).rejects.toThrow(expected);
      return;
    }
    const project = await loadProject(optionsFor(dir));
    const actual: unknown = JSON.parse(portable(JSON.stringify(project)));
    if (UPDATE) writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
  });
});
