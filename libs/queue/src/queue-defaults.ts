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

export const QUEUE_DEFAULTS: Record<QueueName, JobsOptions> = {
  promotion: retried(5, 2000),
  mirror: retried(3, 10000),
  webhook: retried(8, 5000),
  maintenance: retried(1, 1000),
};
