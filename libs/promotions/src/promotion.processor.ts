import type { AirlockError } from '@airlock/errors';
import {
  JobProcessor,
  type JobAttempt,
  type JobPayloads,
  type ProcessesJobs,
} from '@airlock/queue';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { PromotionRunner } from './promotion-runner';

/** The `promotion` queue: one job copies one promotion target. */
@Injectable()
@JobProcessor('promotion')
export class PromotionProcessor implements ProcessesJobs<'promotion'> {
  constructor(private readonly runner: PromotionRunner) {}

  process(job: Job<JobPayloads['promotion']>, attempt: JobAttempt): Promise<unknown> {
    return this.runner.run(job.data.promotionTargetId, { finalAttempt: attempt.final });
  }

  abandon(job: Job<JobPayloads['promotion']>, error: AirlockError): Promise<void> {
    return this.runner.failLost(job.data.promotionTargetId, error);
  }
}
