import { factsOf, type ErrorCode } from '@airlock/errors';

/** The HTTP status of an error code: its row in ERROR_CODE_FACTS, the one table. */
export function httpStatusOf(code: ErrorCode): number {
  return factsOf(code).status;
}

/** A code for an HTTP status that did not come from a domain error (routing, body parsing). */
export function codeOfStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503) return 'DEPENDENCY_UNAVAILABLE';
  if (status >= 400 && status < 500) return 'INVALID_INPUT';
  return 'INTERNAL';
}
