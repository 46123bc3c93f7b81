import { AppConfig } from '@airlock/config';
import { jobId, JobQueues } from '@airlock/queue';
import { Injectable, Logger } from '@nestjs/common';

/**
 * One `webhook` job per delivery, its id derived from the delivery id: the after-commit enqueue
 * and the sweep can both add it and BullMQ keeps one. A redelivery is a new delivery, so a new job.
 */
@Injectable()
export class WebhookJobs {
  private readonly logger = new Logger(WebhookJobs.name);

  constructor(
    private readonly queues: JobQueues,
    private readonly config: AppConfig,
  ) {}

  static jobIdOf(deliveryId: string): string {
    return jobId('webhook', deliveryId);
  }

  async enqueue(deliveryId: string): Promise<void> {
    await this.queues.enqueue(
      'webhook',
      { deliveryId },
      {
        jobId: WebhookJobs.jobIdOf(deliveryId),
        // The attempts stay the queue default (8); the first delay is configurable.
        backoff: { type: 'exponential', delay: this.config.webhookBackoffMs, jitter: 0.5 },
      },
    );
  }

  /**
   * After the deliveries committed: a queue outage must not fail the change that published the
   * event. Postgres holds the pending deliveries and the worker's sweep enqueues them later.
   */
  async enqueueAfterCommit(deliveryIds: string[]): Promise<void> {
    for (const id of deliveryIds) {
      await this.enqueue(id).catch((error: unknown) => {
        this.logger.warn(
          `could not enqueue webhook delivery ${id} (the sweep will): ${(error as Error).message}`,
        );
      });
    }
  }

  /** The delivery's job, if the queue still has it. */
  find(deliveryId: string) {
    return this.queues.queue('webhook').getJob(WebhookJobs.jobIdOf(deliveryId));
  }
}
