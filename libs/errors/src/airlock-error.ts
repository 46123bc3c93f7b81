import { factsOf, type ErrorCode } from './error-code';

export interface AirlockErrorOptions {
  /**
   * Whether trying the same thing again may succeed, where this error's own facts decide it;
   * otherwise its code's default (ERROR_CODE_FACTS).
   */
  retryable?: boolean;
  /** Structured, secret-free facts for the caller (they end up in problem+json). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** The one domain error type. Its message must never contain a secret. */
export class AirlockError extends Error {
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AirlockErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AirlockError';
    this.retryable = options.retryable ?? factsOf(code).retryable;
    this.details = options.details ?? {};
  }
}

/** What a run or a log line records of a failure: its code (`INTERNAL` when it is not ours) and message. */
export function errorSummary(error: unknown): { code: string; message: string } {
  return {
    code: error instanceof AirlockError ? error.code : 'INTERNAL',
    message: error instanceof Error ? error.message : String(error),
  };
}
