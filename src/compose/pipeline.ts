import path from 'node:path';
import { resolveContext, type LoadContext } from './context.js';
import { ExtendsResolver, type ExtendsSource } from './extends.js';
import { applyIncludes } from './include.js';
import { interpolateDocument } from './interpolate.js';
import type { ParsedDocument } from './load.js';
import type { LoadOptions } from './load-options.js';
import { mergeAll } from './merge.js';
import type { Project } from './model.js';
import { withPosition } from './positioned.js';
import { treeLocator } from './positions.js';
import { activeProfiles, applyProfiles } from './profiles.js';
import { projectNameOf } from './project-name.js';
import { readStdinIfNeeded } from './read-stdin.js';
import { resolveEnvironment } from './resolve-environment.js';
import { parseFiles } from './sources.js';

// The loading pipeline, phase by phase in the order PIPELINE.md describes. The schema
// validator, normalize and the model are imported when a project is loaded, not when this
// module is: CLI commands that import it but never load a project do not pay for them.

export async function loadProject(options: LoadOptions = {}): Promise<Project> {
  const ctx = resolveContext({ ...options, stdin: options.stdin ?? (await readStdinIfNeeded(options.files)) });
  const docs = parseFiles(ctx.files, ctx.stdin);
  const projectName = projectNameOf(docs, { flag: options.projectName, env: ctx.env, projectDirectory: ctx.projectDirectory, interpolate: ctx.interpolate });
  ctx.env.COMPOSE_PROJECT_NAME ??= projectName;
  const tree = loadTree(docs, ctx, ctx.files);
  const locator = treeLocator(tree, { file: docs[0]?.file ?? ctx.files[0] ?? '-', line: 1, col: 1 });
  const [{ validateSchema }, { normalize, definedEnv }, { bind }, { checkConsistency }] = await Promise.all([
    import('./validate.js'),
    import('./normalize.js'),
    import('./model.js'),
    import('./consistency.js'),
  ]);
  try {
    validateSchema(tree, locator);
    const normalized = normalize(tree, { projectName, projectDirectory: ctx.projectDirectory, env: definedEnv(ctx.env) });
    resolveEnvironment(normalized, ctx.env, locator);
    const selection = { profiles: activeProfiles(options.profiles, ctx.env), services: options.services ?? [] };
    const project = applyProfiles(bind(normalized), selection, locator);
    checkConsistency(project, locator);
    return project;
  } catch (err) {
    throw withPosition(err, locator);
  }
}

/** Per file: interpolate, include, extends; then merge the files in order. */
function loadTree(docs: ParsedDocument[], ctx: LoadContext, chain: readonly string[]): Record<string, unknown> {
  const resolver = new ExtendsResolver(extendsReader(ctx));
  for (const doc of docs) {
    if ('version' in doc.tree) ctx.onWarning(`${doc.file}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
    if (ctx.interpolate) interpolateDocument(doc, ctx.env, ctx.onWarning);
    applyIncludes(doc, ctx, (files, sub, next) => loadTree(parseFiles(files, undefined), sub, next), chain);
    resolver.applyTo(doc, ctx.projectDirectory);
  }
  return mergeAll(docs);
}

/** Files named by `extends.file`, parsed and interpolated once per load. */
function extendsReader(ctx: LoadContext): (file: string) => ExtendsSource {
  const cache = new Map<string, ExtendsSource>();
  return (file) => {
    const hit = cache.get(file);
    if (hit) return hit;
    const docs = parseFiles([file], undefined);
    if (ctx.interpolate) for (const doc of docs) interpolateDocument(doc, ctx.env, ctx.onWarning);
    const source: ExtendsSource = { file, tree: mergeAll(docs), tags: [], baseDir: path.dirname(file) };
    cache.set(file, source);
    return source;
  };
}
