import path from 'node:path';
import { BerthError } from '../errors.js';
import { ComposeError } from './errors.js';
import { treeLocator } from './positions.js';
import { substitute, TemplateError } from './template.js';

// Project name precedence as Compose has it: -p > COMPOSE_PROJECT_NAME > top-level
// `name:` > the project directory's basename. A name the user chose must already be
// valid; a directory name is reduced to the allowed characters instead.

const VALID = /^[a-z0-9][a-z0-9_-]*$/;

export interface ProjectNameSources {
  flag?: string | undefined;
  env?: string | undefined;
  fromFile?: string | undefined;
  projectDirectory: string;
}

export function isValidProjectName(name: string): boolean {
  return VALID.test(name);
}

/** Lowercase, drop characters outside [a-z0-9_-], drop leading `_`/`-`. */
export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

export function resolveProjectName(sources: ProjectNameSources): string {
  const chosen: [string | undefined, string][] = [
    [sources.flag, '-p/--project-name'],
    [sources.env, 'COMPOSE_PROJECT_NAME'],
    [sources.fromFile, 'top-level "name"'],
  ];
  for (const [name, origin] of chosen) {
    if (name === undefined || name === '') continue;
    if (!isValidProjectName(name)) {
      const message = `invalid project name "${name}" (from ${origin}): must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`;
      // A bad flag is a usage error (exit 2); a bad value in the environment or a file is invalid input.
      if (origin === '-p/--project-name') throw new BerthError('usage', message);
      throw new ComposeError('invalid_value', message);
    }
    return name;
  }
  const fromDir = normalizeProjectName(path.basename(path.resolve(sources.projectDirectory)));
  if (fromDir === '') {
    throw new ComposeError('invalid_value', `project name could not be derived from directory "${sources.projectDirectory}": pass -p NAME`);
  }
  return fromDir;
}

/** The project name for a load: flag, environment, the last `name:` of the files (interpolated), directory. */
export function projectNameOf(
  docs: readonly { tree: Record<string, unknown>; file: string }[],
  options: { flag?: string | undefined; env: Record<string, string | undefined>; projectDirectory: string; interpolate: boolean },
): string {
  let fromFile: string | undefined;
  for (const doc of docs) {
    const name = doc.tree.name;
    if (typeof name !== 'string') continue;
    try {
      fromFile = options.interpolate ? substitute(name, (k) => options.env[k]) : name;
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      throw new ComposeError('interpolation', `name: ${err.message}`, { position: treeLocator(doc.tree, { file: doc.file, line: 1, col: 1 }).locate(['name']), keyPath: ['name'], cause: err });
    }
  }
  return resolveProjectName({ flag: options.flag, env: options.env.COMPOSE_PROJECT_NAME, fromFile, projectDirectory: options.projectDirectory });
}
