import { JobProcessor, type JobPayloads, type ProcessesJobs } from '@airlock/queue';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { PromotionRunner } from './promotion-runner';

/** The `promotion` queue: one job copies one promotion target. */
@Injectable()
@JobProcessor('promotion')
export class PromotionProcessor implements ProcessesJobs<'promotion'> {
  constructor(private readonly runner: PromotionRunner) {}

  process(job: Job<JobPayloads['promotion']>): Promise<unknown> {
    const attempts = job.opts.attempts ?? 1;
    return this.runner.run(job.data.promotionTargetId, {
      finalAttempt: job.attemptsMade + 1 >= attempts,
    });
  }
}
