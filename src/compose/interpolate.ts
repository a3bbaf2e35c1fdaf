import { ComposeError, formatKeyPath, type KeyPath, type Locator } from './errors.js';
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
  const visit = (node: Record<string | number, unknown> | unknown[], path: KeyPath): void => {
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, value] of entries) {
      const childPath = [...path, key];
      if (typeof value === 'string') {
        try {
          (node as Record<string | number, unknown>)[key] = substitute(value, lookup, { onUnset });
        } catch (err) {
          if (!(err instanceof TemplateError)) throw err;
          throw new ComposeError('interpolation', `${formatKeyPath(childPath)}: ${err.message}`, {
            position: options.locator.locate(childPath),
            keyPath: childPath,
            cause: err,
          });
        }
      } else if (typeof value === 'object' && value !== null) {
        visit(value as Record<string, unknown>, childPath);
      }
    }
  };
  visit(tree, []);
}

/** Interpolate one parsed document and cast the results to the schema's types. */
export function interpolateDocument(
  doc: { tree: Record<string, unknown> },
  env: Record<string, string | undefined>,
  onWarning: (message: string) => void,
): void {
  interpolate(doc.tree, { env, locator: treeLocator(doc.tree), onWarning });
  castTypes(doc.tree);
}
