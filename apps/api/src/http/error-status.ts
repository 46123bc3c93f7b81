import type { ErrorCode } from '@airlock/errors';

/** The one place that decides which HTTP status an error code gets. Exhaustive by design. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT':
      return 400;
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    // The server's state (its configuration), not the request, stands in the way; retrying the
    // same request cannot help until an operator acts, so not a 5xx that clients would retry.
    case 'NOT_CONFIGURED':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'RATE_LIMITED':
      return 429;
    case 'DEPENDENCY_UNAVAILABLE':
      return 503;
    case 'INTERNAL':
      return 500;
    case 'TAG_CONFLICT':
    case 'POLICY_UNMET':
    case 'CANCELLED':
      return 409;
    // The key was used for another request: repeating it cannot succeed (IETF idempotency draft).
    case 'IDEMPOTENCY_KEY_REUSED':
      return 422;
    case 'REGISTRY_NOT_FOUND':
      return 404;
    case 'MANIFEST_TOO_LARGE':
      return 422;
    case 'REGISTRY_RATE_LIMITED':
      return 503;
    // Another server failed us: a bad gateway, not a bad request.
    case 'REGISTRY_UNREACHABLE':
    case 'REGISTRY_AUTH_FAILED':
    case 'REGISTRY_ACCESS_DENIED':
    case 'REGISTRY_ERROR':
    case 'DIGEST_MISMATCH':
      return 502;
  }
}

/** A code for an HTTP status that did not come from a domain error (routing, body parsing). */
export function codeOfStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503) return 'DEPENDENCY_UNAVAILABLE';
  if (status >= 400 && status < 500) return 'INVALID_INPUT';
  return 'INTERNAL';
}
