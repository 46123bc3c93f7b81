import { AppConfig } from '@airlock/config';
import { PeriodicPass } from '@airlock/queue';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookJobs } from './webhook-jobs';

const BATCH = 200;

export interface SweepReport {
  checked: number;
  enqueued: number;
  failed: number;
}

/**
 * The outbox's safety net, like the promotion reconciler: every AIRLOCK_RECONCILE_INTERVAL_MS
 * each worker looks at pending deliveries nobody touched for that long and asks the queue about
 * their job. None (the after-commit enqueue hit a Redis outage, or Redis lost its data) →
 * enqueued; given up by the queue while the row is still pending → failed with its reason.
 * Waiting, delayed (backing off) and running jobs are left alone. Job ids are deterministic,
 * so several workers sweeping at once add nothing twice.
 */
@Injectable()
export class WebhookSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookSweeper.name);
  private readonly periodic: PeriodicPass;

  constructor(
    private readonly config: AppConfig,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly jobs: WebhookJobs,
  ) {
    this.periodic = new PeriodicPass(
      'webhook sweep',
      config.reconcileIntervalMs,
      () => this.sweep(),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.periodic.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  /** One pass; exposed for tests. */
  async sweep(): Promise<SweepReport> {
    const idle = await this.deliveries.idlePending(this.config.reconcileIntervalMs, BATCH);
    const report: SweepReport = { checked: idle.length, enqueued: 0, failed: 0 };
    for (const id of idle) {
      const job = await this.jobs.find(id);
      const state = job ? await job.getState() : 'missing';
      if (state === 'missing' || state === 'unknown' || state === 'completed') {
        // A completed job with a pending row lost its result: its id must be freed to run again.
        if (job && state === 'completed') await job.remove();
        await this.jobs.enqueue(id);
        report.enqueued++;
        this.logger.warn(`webhook delivery ${id} had no live job (${state}); enqueued it`);
      } else if (state === 'failed') {
        await this.deliveries.fail(id, job?.failedReason || 'the queue gave up on it');
        report.failed++;
      }
      await this.deliveries.touch(id);
    }
    return report;
  }
}
