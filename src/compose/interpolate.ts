import { ComposeError, formatKeyPath, type Locator } from './errors.js';
import { castTypes } from './cast.js';
import { treeLocator } from './positions.js';
import { substitute, TemplateError, type Lookup } from './template.js';

// Phase 2: substitute variables in every string value of a parsed file (keys are left
// alone, as Compose does). Runs per file, before merging and before the schema check, so
// the position of a bad template is the position where it was written.

export interface InterpolateOptions {
  env: Record<string, string | undefined>;
  locator: Locator;
  /** Warn once per variable that is unset and has no default. */
  onWarning?: (message: string) => void;
}

export function interpolate(tree: Record<string, unknown>, options: InterpolateOptions): void {
  const warned = new Set<string>();
  const lookup: Lookup = (name) => options.env[name];
  const onUnset = (name: string): void => {
    if (warned.has(name)) return;
    warned.add(name);
    options.onWarning?.(`The "${name}" variable is not set. Defaulting to a blank string.`);
  };
  // One mutable path stack: key paths are only copied when an error needs one.
  const path: (string | number)[] = [];
  const substituteAt = (container: Record<string | number, unknown>, key: string | number, value: string): void => {
    try {
      container[key] = substitute(value, lookup, { onUnset });
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      const at = [...path, key];
      throw new ComposeError('interpolation', `${formatKeyPath(at)}: ${err.message}`, { position: options.locator.locate(at), keyPath: at, cause: err });
    }
  };
  const visitEntry = (container: Record<string | number, unknown>, key: string | number): void => {
    const value = container[key];
    if (typeof value === 'string') {
      if (value.includes('$')) substituteAt(container, key, value);
    } else if (typeof value === 'object' && value !== null) {
      path.push(key);
      visit(value as Record<string | number, unknown>);
      path.pop();
    }
  };
  const visit = (node: Record<string | number, unknown>): void => {
    if (Array.isArray(node)) for (let i = 0; i < node.length; i++) visitEntry(node, i);
    else for (const key of Object.keys(node)) visitEntry(node, key);
  };
  visit(tree);
}

/** Interpolate one parsed document and cast the results to the schema's types. */
export function interpolateDocument(
  doc: { tree: Record<string, unknown>; file: string },
  env: Record<string, string | undefined>,
  onWarning: (message: string) => void,
): void {
  // The file's start when no finer position can be found (text js-yaml reads but the
  // exact parser does not).
  const locator = treeLocator(doc.tree, { file: doc.file, line: 1, col: 1 });
  interpolate(doc.tree, { env, locator, onWarning });
  castTypes(doc.tree);
}
