// One small error taxonomy shared by every layer. The daemon maps code → HTTP status in
// one table (src/daemon/http-errors.ts) and the client maps it back, so isNotFound(err)
// works on both sides of the socket.
export type ErrorCode =
  | 'invalid' // bad user input: compose file, flags, API request body
  | 'usage' // bad command-line usage (exit 2)
  | 'not_found'
  | 'already_exists'
  | 'conflict'
  | 'forbidden' // refused in this state (Docker's errdefs.Forbidden: 403)
  | 'unavailable' // engine not reachable, dependency missing on the host
  | 'canceled'
  | 'failed_precondition'
  | 'internal';

export class BerthError extends Error {
  readonly code: ErrorCode;
  /** Extra structured detail for renderers (file position, key path, ...). */
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; detail?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BerthError';
    this.code = code;
    this.detail = options?.detail;
  }
}

export const isBerthError = (err: unknown): err is BerthError => err instanceof BerthError;
export const hasCode = (err: unknown, code: ErrorCode): boolean => isBerthError(err) && err.code === code;
export const isNotFound = (err: unknown): boolean => hasCode(err, 'not_found');
export const isConflict = (err: unknown): boolean => hasCode(err, 'conflict');
export const isAlreadyExists = (err: unknown): boolean => hasCode(err, 'already_exists');
export const isInvalid = (err: unknown): boolean => hasCode(err, 'invalid');

export const notFound = (message: string, cause?: unknown) => new BerthError('not_found', message, { cause });
export const invalid = (message: string, cause?: unknown) => new BerthError('invalid', message, { cause });
export const conflict = (message: string, cause?: unknown) => new BerthError('conflict', message, { cause });
export const forbidden = (message: string, cause?: unknown) => new BerthError('forbidden', message, { cause });
export const alreadyExists = (message: string, cause?: unknown) => new BerthError('already_exists', message, { cause });
export const unavailable = (message: string, cause?: unknown) => new BerthError('unavailable', message, { cause });
export const internal = (message: string, cause?: unknown) => new BerthError('internal', message, { cause });
