import { BerthError } from '../errors.js';

// Compose errors are user errors: one message naming file:line:col, the key path and
// what was expected. `rendered` (with a code frame on a TTY) is what the CLI prints.

export type ComposeErrorKind =
  | 'yaml_syntax'
  | 'duplicate_key'
  | 'schema'
  | 'interpolation'
  | 'env_file'
  | 'file_not_found'
  | 'undefined_reference'
  | 'conflict'
  | 'cycle'
  | 'extends'
  | 'include'
  | 'invalid_value';

/** A position in a source file (1-based line and column). */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** A key path into the compose tree, e.g. ["services", "web", "ports", 0]. */
export type KeyPath = readonly (string | number)[];

export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

export class ComposeError extends BerthError {
  readonly kind: ComposeErrorKind;
  readonly position: SourcePosition | undefined;
  readonly keyPath: KeyPath | undefined;

  constructor(kind: ComposeErrorKind, message: string, opts: { position?: SourcePosition; keyPath?: KeyPath; cause?: unknown } = {}) {
    const where = opts.position ? `${opts.position.file}:${opts.position.line}:${opts.position.col}: ` : '';
    super('invalid', `${where}${message}`, { cause: opts.cause, detail: { kind, position: opts.position, keyPath: opts.keyPath } });
    this.name = 'ComposeError';
    this.kind = kind;
    this.position = opts.position;
    this.keyPath = opts.keyPath;
  }
}

export const isComposeError = (err: unknown): err is ComposeError => err instanceof ComposeError;

/** Finds where a key path came from (file, line, col), across merged files. */
export interface Locator {
  locate(path: KeyPath): SourcePosition | undefined;
}
