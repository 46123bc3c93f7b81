/** What every error code means to the two edges: the HTTP status the API answers, and whether a queue job that failed with it is tried again. */
export interface ErrorCodeFacts {
  /** The HTTP status of a problem+json answer with this code. */
  status: number;
  /**
   * Whether trying the same thing again may succeed. The default for every error of the code;
   * an error may say otherwise where its own facts decide (a registry's 5xx vs its 4xx answer
   * under REGISTRY_ERROR, a digest mismatch seen for the second time).
   */
  retryable: boolean;
}

/**
 * Every error Airlock reports, by code: the one table that says its HTTP status and whether it
 * is retryable (docs/api-errors.md lists it). Libraries throw AirlockError with one of these; the
 * API answers the status, the worker retries or fails the job. Exhaustive by construction: a new
 * code has to say both.
 */
export const ERROR_CODE_FACTS = {
  INVALID_INPUT: { status: 400, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  CONFLICT: { status: 409, retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false },
  // Only JSON bodies are read (ARCHITECTURE.md, invariant 10).
  UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false },
  UNAUTHENTICATED: { status: 401, retryable: false },
  FORBIDDEN: { status: 403, retryable: false },
  // A feature needs configuration this install lacks (the message names the variable). The
  // server's state, not the request, stands in the way; retrying cannot help until an operator
  // acts, so not a 5xx that clients would retry (docs/api-errors.md).
  NOT_CONFIGURED: { status: 409, retryable: false },
  DEPENDENCY_UNAVAILABLE: { status: 503, retryable: true },
  // A bug, or a failure Airlock does not know: worth another try before giving up.
  INTERNAL: { status: 500, retryable: true },
  // Another job holds what this one needs (a mirror rule being synced): it frees up on its own.
  RESOURCE_BUSY: { status: 409, retryable: true },
  // The worker running a job died (killed, out of memory, lost its Redis lock) more often than
  // the job's attempts allow.
  WORKER_LOST: { status: 500, retryable: true },
  // A registry answered, or failed to, in a way the operation cannot get past (another server
  // failed us: a bad gateway, not a bad request).
  REGISTRY_UNREACHABLE: { status: 502, retryable: true },
  REGISTRY_AUTH_FAILED: { status: 502, retryable: false },
  REGISTRY_ACCESS_DENIED: { status: 502, retryable: false },
  REGISTRY_NOT_FOUND: { status: 404, retryable: false },
  REGISTRY_RATE_LIMITED: { status: 503, retryable: true },
  REGISTRY_ERROR: { status: 502, retryable: true },
  DIGEST_MISMATCH: { status: 502, retryable: true },
  MANIFEST_TOO_LARGE: { status: 422, retryable: false },
  // A tag already points at (or is being promoted onto) another digest, whichever layer saw it.
  TAG_CONFLICT: { status: 409, retryable: false },
  // The target stage's policy does not hold for the digest (details list what is missing/failed).
  POLICY_UNMET: { status: 409, retryable: false },
  // Some items of a release are not admitted: the whole release is refused (details per item).
  RELEASE_NOT_READY: { status: 409, retryable: false },
  // An Idempotency-Key was sent again with a different request body: repeating it cannot
  // succeed (IETF idempotency draft).
  IDEMPOTENCY_KEY_REUSED: { status: 422, retryable: false },
  // Too many requests from one token: wait Retry-After seconds.
  RATE_LIMITED: { status: 429, retryable: true },
  // A promotion was cancelled while its copy ran.
  CANCELLED: { status: 409, retryable: false },
} as const satisfies Record<string, ErrorCodeFacts>;

export type ErrorCode = keyof typeof ERROR_CODE_FACTS;

export const ERROR_CODES = Object.keys(ERROR_CODE_FACTS) as ErrorCode[];

export function factsOf(code: ErrorCode): ErrorCodeFacts {
  return ERROR_CODE_FACTS[code];
}
