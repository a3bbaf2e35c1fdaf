import { ComposeError, isComposeError, type Locator } from './errors.js';

// Later phases (normalize, bind, consistency) know the key path of a problem but not
// where it was written; this gives every such error the position the locator has for
// its path (or the nearest ancestor), so every user error names file:line:col.

export function withPosition(err: unknown, locator: Locator): unknown {
  // No key path: not about the file (a service named on the command line that it lacks).
  if (!isComposeError(err) || err.position !== undefined || err.keyPath === undefined) return err;
  const position = locator.locate(err.keyPath);
  if (position === undefined) return err;
  return new ComposeError(err.kind, err.message, { position, keyPath: err.keyPath, cause: err.cause ?? err });
}
