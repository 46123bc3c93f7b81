/**
 * Every error Airlock reports, by code. Libraries throw AirlockError with one of these; the API
 * maps each to an HTTP status in one exhaustive switch, the worker to retry or fail.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  // A feature needs configuration this install lacks (the message names the variable).
  'NOT_CONFIGURED',
  'DEPENDENCY_UNAVAILABLE',
  'INTERNAL',
  // A registry answered, or failed to, in a way the operation cannot get past.
  'REGISTRY_UNREACHABLE',
  'REGISTRY_AUTH_FAILED',
  'REGISTRY_ACCESS_DENIED',
  'REGISTRY_NOT_FOUND',
  'REGISTRY_RATE_LIMITED',
  'REGISTRY_ERROR',
  'DIGEST_MISMATCH',
  'MANIFEST_TOO_LARGE',
  'TAG_CONFLICT',
  // The target stage's policy does not hold for the digest (details list what is missing/failed).
  'POLICY_UNMET',
  // An Idempotency-Key was sent again with a different request body.
  'IDEMPOTENCY_KEY_REUSED',
  // Too many requests from one token: wait Retry-After seconds.
  'RATE_LIMITED',
  // A promotion was cancelled while its copy ran.
  'CANCELLED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
