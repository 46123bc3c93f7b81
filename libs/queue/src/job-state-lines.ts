import { attemptOf, type AttemptCounters } from './job-attempt';

/** What the state lines read of a BullMQ job (a `Job` has it). */
export interface JobFacts extends AttemptCounters {
  id?: string;
  processedOn?: number;
  /** Set once the job is done for good (completed, or failed with no retry left). */
  finishedOn?: number;
  /** The backoff before its retry, after a failed attempt that is retried. */
  delay?: number;
}

/**
 * The debug trail of one job through a worker, one line per state change, each with the
 * attempt as attemptOf counts it (a lost worker uses one): what an operator follows when a
 * promotion does not move.
 */
export const jobStateLines = {
  active: (queue: string, job: JobFacts): string =>
    `job ${job.id} on ${queue}: active (${attemptText(job)})`,

  completed: (queue: string, job: JobFacts): string =>
    `job ${job.id} on ${queue}: completed (${attemptText(job)})${took(job)}`,

  failed: (queue: string, job: JobFacts): string =>
    job.finishedOn !== undefined
      ? `job ${job.id} on ${queue}: failed for good (${attemptText(job)})${took(job)}`
      : `job ${job.id} on ${queue}: ${attemptText(job)} failed; retrying ${job.delay ? `in ${job.delay} ms` : 'now'}`,

  stalled: (queue: string, jobId: string): string =>
    `job ${jobId} on ${queue}: stalled — its worker stopped renewing the lock (killed, out of ` +
    `memory or cut off from Redis); back to waiting, it uses an attempt`,
};

function attemptText(job: JobFacts): string {
  const attempt = attemptOf(job);
  const lost =
    attempt.lost > 0 ? `, ${attempt.lost} lost worker${attempt.lost === 1 ? '' : 's'}` : '';
  return `attempt ${attempt.number} of ${attempt.of}${lost}`;
}

function took(job: JobFacts): string {
  if (job.processedOn === undefined || job.finishedOn === undefined) return '';
  return ` in ${job.finishedOn - job.processedOn} ms`;
}
