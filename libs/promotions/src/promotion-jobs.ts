import { jobId, JobQueues } from '@airlock/queue';
import { Injectable, Logger } from '@nestjs/common';

export interface QueuedTarget {
  id: string;
  run: number;
}

/**
 * One queue job per target registry and run. The id is derived from both, so enqueueing the same
 * run twice (the API after commit, then the reconciler) adds one job, and a retry gets a new one.
 */
@Injectable()
export class PromotionJobs {
  private readonly logger = new Logger(PromotionJobs.name);

  constructor(private readonly queues: JobQueues) {}

  static jobIdOf(target: QueuedTarget): string {
    return jobId('promotion', `${target.id}-${target.run}`);
  }

  /** The queue job of a target's run, as both enqueues add it. */
  private static jobOf(this: void, target: QueuedTarget) {
    return {
      data: { promotionTargetId: target.id },
      options: { jobId: PromotionJobs.jobIdOf(target) },
    };
  }

  async enqueue(target: QueuedTarget): Promise<void> {
    const { data, options } = PromotionJobs.jobOf(target);
    await this.queues.enqueue('promotion', data, options);
  }

  /**
   * After the promotion committed: every target's job in one round trip. A queue outage must not
   * fail the request, Postgres holds the promotion and the reconciler enqueues what is missing
   * once Redis is back.
   */
  async enqueueAfterCommit(targets: QueuedTarget[]): Promise<void> {
    await this.queues
      .enqueueMany('promotion', targets.map(PromotionJobs.jobOf))
      .catch((error: unknown) => {
        this.logger.warn(
          `could not enqueue ${targets.length} promotion target(s) ${targets.map((t) => t.id).join(', ')} (the reconciler will): ${(error as Error).message}`,
        );
      });
  }

  /** The job of this run, if the queue still has it. */
  async find(target: QueuedTarget) {
    return this.queues.queue('promotion').getJob(PromotionJobs.jobIdOf(target));
  }

  /** Drops the waiting job of a cancelled target (a running one notices on its next progress write). */
  async discard(target: QueuedTarget): Promise<void> {
    const job = await this.find(target).catch(() => undefined);
    if (!job) return;
    const state = await job.getState().catch(() => 'unknown');
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized')
      await job.remove().catch(() => undefined);
  }
}
