import type { AppConfig } from '@airlock/config';
import type { JobsOptions } from 'bullmq';
import type { QueueName } from './queue-names';

const DAY = 24 * 3600;

/** Retry with exponential backoff and jitter; keep finished jobs long enough to inspect. */
const retried = (attempts: number, delay: number): JobsOptions => ({
  attempts,
  backoff: { type: 'exponential', delay, jitter: 0.5 },
  removeOnComplete: { age: DAY, count: 1000 },
  removeOnFail: { age: 7 * DAY },
});

/** Each queue's job options. A lost worker uses an attempt too (see attemptOf). */
export function queueDefaults(
  config: Pick<AppConfig, 'promotionAttempts'>,
): Record<QueueName, JobsOptions> {
  return {
    promotion: retried(config.promotionAttempts, 2000),
    // A release's tag writes are retried until they are done (about 30 min of backoff), then the
    // release fails with the tags that landed listed, and its retry resumes the commit.
    release: retried(12, 1000),
    mirror: retried(3, 10000),
    webhook: retried(8, 5000),
    // A failed run is recorded as failed; the next tick is the retry.
    integrity: retried(1, 10000),
  };
}
