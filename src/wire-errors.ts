import { BerthError, type ErrorCode } from './errors.js';

// The single table between error codes and HTTP statuses, used by the daemon to answer
// and by the client to turn a status back into a typed error.
const statusByCode: Record<ErrorCode, number> = {
  invalid: 400,
  usage: 400,
  not_found: 404,
  already_exists: 409,
  conflict: 409,
  forbidden: 403,
  failed_precondition: 409,
  unavailable: 503,
  canceled: 499,
  internal: 500,
};

export function httpStatusOf(err: unknown): number {
  return err instanceof BerthError ? statusByCode[err.code] : 500;
}

export function codeOfStatus(status: number): ErrorCode {
  if (status === 400) return 'invalid';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 503) return 'unavailable';
  if (status === 304) return 'failed_precondition';
  return 'internal';
}
