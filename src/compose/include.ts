import { existsSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { LoadContext } from './context.js';
import { ComposeError, type KeyPath } from './errors.js';
import type { ParsedDocument } from './load.js';
import { loadProjectEnv } from './project-env.js';
import { copyPosition, treeLocator } from './positions.js';
import { relocateProject } from './relocate.js';
import { isRecord } from './tree-path.js';

// `include`: other Compose projects loaded on their own (their own project directory and
// env files, their relative paths kept right) whose resources join this one. A resource
// defined on both sides must be identical; an include chain that comes back to a file
// already on it is refused.

/** Loads a sub-project's files into one merged tree (the pipeline's own phases). */
export type LoadSubproject = (files: string[], ctx: LoadContext, chain: readonly string[]) => Record<string, unknown>;

interface IncludeEntry {
  paths: string[];
  projectDirectory: string | undefined;
  envFiles: string[] | undefined;
}

const SECTIONS = ['services', 'networks', 'volumes', 'secrets', 'configs'] as const;

const asList = (v: unknown): string[] | undefined => (typeof v === 'string' ? [v] : Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined);

function parseEntry(doc: ParsedDocument, entry: unknown, at: KeyPath): IncludeEntry {
  const bad = (): never => {
    throw new ComposeError('include', 'include entries must be a path or a mapping with "path"', { position: treeLocator(doc.tree, { file: doc.file, line: 1, col: 1 }).locate(at), keyPath: at });
  };
  if (typeof entry === 'string') return { paths: [entry], projectDirectory: undefined, envFiles: undefined };
  if (!isRecord(entry)) return bad();
  const paths = asList(entry.path) ?? bad();
  const envFiles = entry.env_file === undefined ? undefined : (asList(entry.env_file) ?? bad());
  if (entry.project_directory !== undefined && typeof entry.project_directory !== 'string') bad();
  return { paths, projectDirectory: entry.project_directory as string | undefined, envFiles };
}

export function applyIncludes(doc: ParsedDocument, ctx: LoadContext, load: LoadSubproject, chain: readonly string[]): void {
  const raw = doc.tree.include;
  if (raw === undefined) return;
  if (!Array.isArray(raw)) {
    throw new ComposeError('include', 'include must be a list', { position: treeLocator(doc.tree, { file: doc.file, line: 1, col: 1 }).locate(['include']), keyPath: ['include'] });
  }
  delete doc.tree.include;
  raw.forEach((value, i) => {
    const at: KeyPath = ['include', i];
    const position = treeLocator(doc.tree, { file: doc.file, line: 1, col: 1 }).locate(at) ?? { file: doc.file, line: 1, col: 1 };
    const entry = parseEntry(doc, value, at);
    const files = entry.paths.map((p) => path.resolve(ctx.projectDirectory, p));
    for (const file of files) {
      if (!existsSync(file)) throw new ComposeError('include', `include: ${file} not found`, { position, keyPath: at });
      if (chain.includes(file)) {
        throw new ComposeError('cycle', `include cycle: ${[...chain.slice(chain.indexOf(file)), file].join(' -> ')}`, { position, keyPath: at });
      }
    }
    const projectDirectory = entry.projectDirectory ? path.resolve(ctx.projectDirectory, entry.projectDirectory) : path.dirname(files[0] as string);
    let ownEnv: Record<string, string | undefined>;
    try {
      ownEnv = loadProjectEnv({ envFiles: entry.envFiles?.map((f) => path.resolve(ctx.projectDirectory, f)), directory: projectDirectory, cwd: ctx.projectDirectory, processEnv: {} });
    } catch (err) {
      if (!(err instanceof ComposeError) || err.position) throw err;
      throw new ComposeError('include', `include: ${err.message}`, { position, keyPath: at, cause: err });
    }
    // The including project's environment wins over the included project's env files.
    const env = { ...ownEnv, ...ctx.env };
    const sub = load(files, { ...ctx, files, projectDirectory, env }, [...chain, ...files]);
    relocateProject(sub, projectDirectory);
    importResources(doc, sub, files[0] as string, position);
  });
}

function importResources(doc: ParsedDocument, sub: Record<string, unknown>, file: string, position: { file: string; line: number; col: number }): void {
  for (const section of SECTIONS) {
    const incoming = sub[section];
    if (!isRecord(incoming)) continue;
    const target = isRecord(doc.tree[section]) ? (doc.tree[section] as Record<string, unknown>) : (doc.tree[section] = {});
    for (const [name, value] of Object.entries(incoming)) {
      if (Object.prototype.hasOwnProperty.call(target, name)) {
        if (isDeepStrictEqual(target[name], value)) continue;
        throw new ComposeError('include', `${section}.${name}: imported compose file ${file} defines conflicting ${section.slice(0, -1)} "${name}"`, {
          position: treeLocator(doc.tree, { file: doc.file, line: 1, col: 1 }).locate([section, name]) ?? position,
          keyPath: [section, name],
        });
      }
      target[name] = value;
      copyPosition(target, name, incoming, name);
    }
  }
}
