import { AirlockError, type ErrorCode } from '@airlock/errors';

export type RegistryErrorCode = Extract<
  ErrorCode,
  | 'REGISTRY_UNREACHABLE'
  | 'REGISTRY_AUTH_FAILED'
  | 'REGISTRY_ACCESS_DENIED'
  | 'REGISTRY_NOT_FOUND'
  | 'REGISTRY_RATE_LIMITED'
  | 'REGISTRY_ERROR'
  | 'DIGEST_MISMATCH'
  | 'MANIFEST_TOO_LARGE'
>;

export interface RegistryErrorFacts {
  /** The registry's name (RegistryEndpoint.name). */
  registry: string;
  /** HTTP status, when an answer came. */
  status?: number;
  /** The OCI distribution error code from the body (`MANIFEST_UNKNOWN`, `DENIED`, ...). */
  ociCode?: string;
  /** e.g. `GET /v2/app/manifests/sha256:...` — a path, never a URL with credentials or tokens. */
  operation?: string;
  retryable: boolean;
  cause?: unknown;
}

/** The one error type of the registry client. Its message and details never carry secrets. */
export class RegistryError extends AirlockError {
  readonly registry: string;
  readonly status?: number;
  readonly ociCode?: string;
  readonly operation?: string;

  constructor(code: RegistryErrorCode, message: string, facts: RegistryErrorFacts) {
    super(code, message, {
      retryable: facts.retryable,
      cause: facts.cause,
      details: {
        registry: facts.registry,
        status: facts.status,
        ociCode: facts.ociCode,
        operation: facts.operation,
      },
    });
    this.name = 'RegistryError';
    this.registry = facts.registry;
    this.status = facts.status;
    this.ociCode = facts.ociCode;
    this.operation = facts.operation;
  }
}
