import {
  JobProcessor,
  type JobAttempt,
  type JobPayloads,
  type ProcessesJobs,
} from '@airlock/queue';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { WebhookDeliverer } from './webhook-deliverer';

/** The `webhook` queue: one job sends one delivery (one event to one subscription). */
@Injectable()
@JobProcessor('webhook')
export class WebhookProcessor implements ProcessesJobs<'webhook'> {
  constructor(private readonly deliverer: WebhookDeliverer) {}

  process(job: Job<JobPayloads['webhook']>, attempt: JobAttempt): Promise<unknown> {
    return this.deliverer.deliver(job.data.deliveryId, { finalAttempt: attempt.final });
  }
}
