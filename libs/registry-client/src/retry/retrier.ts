import type { Clock } from '../clock';
import { linkedSignal } from '../http/abort-links';
import { RegistryError, type RegistryErrorCode } from '../registry-error';
import { DEFAULT_REGISTRY_LOGGER, type RegistryLogger } from '../registry-logger';
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
    private readonly logger: RegistryLogger = DEFAULT_REGISTRY_LOGGER,
  ) {}

  async run<T>(operation: (attempt: number) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const started = this.clock.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await operation(attempt);
      } catch (error) {
        if (!(error instanceof RegistryError)) throw error;
        if (!error.retryable) {
          this.logger.debug(`${error.message} — not retried (${error.code} is permanent)`);
          throw error;
        }
        const elapsedMs = this.clock.now() - started;
        const retryAfterMs = retryAfterOf(error);
        const delay = planRetry({ attempt, elapsedMs, retryAfterMs }, this.policy, this.random);
        if (delay === undefined) {
          this.logger.debug(
            `${error.message} — not retried: attempt ${attempt} of ${this.policy.maxAttempts}, ${Math.round(elapsedMs)} ms of the ${this.policy.budgetMs} ms budget used`,
          );
          throw attempt > 1 ? gaveUp(error, attempt, elapsedMs) : error;
        }
        const why = retryAfterMs === undefined ? 'backoff' : 'Retry-After';
        this.logger.debug(
          `${error.message} — attempt ${attempt} of ${this.policy.maxAttempts} failed, retrying in ${delay} ms (${why})`,
        );
        await this.sleep(delay, signal);
      }
    }
  }

  /** Through a link of its own: many operations backing off at once add one listener to `signal`. */
  private async sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    const link = linkedSignal(signal);
    try {
      await this.clock.sleep(ms, link.signal);
    } finally {
      link.release();
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
