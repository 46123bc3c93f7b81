import type { Clock } from '../clock';
import { RegistryError, type RegistryErrorCode } from '../registry-error';
import { planRetry, type RetryPolicy } from './retry-policy';

/**
 * Runs an operation again while it fails with a retryable RegistryError, within the policy.
 * A `Retry-After` the registry sent travels in the error's `details.retryAfterMs`.
 */
export class Retrier {
  constructor(
    private readonly policy: RetryPolicy,
    private readonly clock: Clock,
    private readonly random: () => number = Math.random,
  ) {}

  async run<T>(operation: (attempt: number) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const started = this.clock.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await operation(attempt);
      } catch (error) {
        if (!(error instanceof RegistryError) || !error.retryable) throw error;
        const elapsedMs = this.clock.now() - started;
        const delay = planRetry(
          { attempt, elapsedMs, retryAfterMs: retryAfterOf(error) },
          this.policy,
          this.random,
        );
        if (delay === undefined) throw attempt > 1 ? gaveUp(error, attempt, elapsedMs) : error;
        await this.clock.sleep(delay, signal);
      }
    }
  }
}

export function retryAfterOf(error: RegistryError): number | undefined {
  const value = error.details.retryAfterMs;
  return typeof value === 'number' ? value : undefined;
}

/** The last error, its message saying how hard we tried (still retryable: a later job may succeed). */
function gaveUp(error: RegistryError, attempts: number, elapsedMs: number): RegistryError {
  const message = `${error.message} — gave up after ${attempts} attempts in ${(elapsedMs / 1000).toFixed(1)} s`;
  const { registry, status, ociCode, operation, retryable } = error;
  const copy = new RegistryError(error.code as RegistryErrorCode, message, {
    registry,
    status,
    ociCode,
    operation,
    retryable,
    cause: error.cause,
  });
  Object.assign(copy.details, { ...error.details, attempts });
  return copy;
}
