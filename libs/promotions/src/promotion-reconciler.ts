import { AppConfig } from '@airlock/config';
import { PromotionRepository } from './promotion.repository';
import { AirlockError } from '@airlock/errors';
import { attemptOf, PeriodicPass, workerLostError } from '@airlock/queue';
import type { Job } from 'bullmq';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { PromotionJobs } from './promotion-jobs';
import { PromotionRunner } from './promotion-runner';
import { ReleaseCommitter } from './releases/release-committer';
import { ReleaseJobs } from './releases/release-jobs';
import { ReleaseRepository } from './releases/release.repository';

const BATCH = 200;

export interface ReconcileReport {
  checked: number;
  reEnqueued: number;
  failed: number;
}

/**
 * Postgres is the truth, the queue only its to-do list. Every AIRLOCK_RECONCILE_INTERVAL_MS each
 * worker looks at the active promotion targets nobody touched for a while and asks the queue
 * about their job: gone (Redis restarted empty, flushed, or the API could not enqueue) → enqueued
 * again; given up by the queue while Postgres still shows it active → failed with the reason.
 * Waiting and running jobs are left alone (a dead worker's job comes back through BullMQ's
 * stalled-job check). A timer, not a scheduled job: it must work when Redis lost everything.
 * Several workers may run it at once; job ids are deterministic, so that adds nothing twice.
 */
@Injectable()
export class PromotionReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PromotionReconciler.name);
  private readonly periodic: PeriodicPass;

  constructor(
    private readonly config: AppConfig,
    private readonly promotions: PromotionRepository,
    private readonly jobs: PromotionJobs,
    private readonly runner: PromotionRunner,
    private readonly releases: ReleaseRepository,
    private readonly releaseJobs: ReleaseJobs,
    private readonly committer: ReleaseCommitter,
  ) {
    this.periodic = new PeriodicPass(
      'reconcile pass',
      config.reconcileIntervalMs,
      () => this.reconcile(),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.periodic.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  /** One pass; exposed for tests and the CLI. */
  async reconcile(): Promise<ReconcileReport> {
    const idle = await this.promotions.idleActiveTargets(this.config.reconcileIntervalMs, BATCH);
    const report: ReconcileReport = { checked: idle.length, reEnqueued: 0, failed: 0 };
    for (const target of idle) {
      const job = await this.jobs.find(target);
      const state = job ? await job.getState() : 'missing';
      if (state === 'missing' || state === 'unknown' || state === 'completed') {
        // A finished job keeps its id for a while: a new run number gets a new job.
        const run = state === 'completed' ? await this.promotions.nextRun(target.id) : target.run;
        if (run === null) continue;
        await this.jobs.enqueue({ id: target.id, run });
        report.reEnqueued++;
        this.logger.warn(
          `promotion target ${target.id} (${target.registry}) had no live job (${state}); enqueued it again`,
        );
      } else if (state === 'failed' && job) {
        await this.runner.failLost(target.id, abandonment(job));
        report.failed++;
      }
      await this.promotions.touchTarget(target.id);
    }
    await this.reconcileCommits(report);
    return report;
  }

  /** Releases committing with no live commit job (lost enqueue, Redis emptied): enqueued again. */
  private async reconcileCommits(report: ReconcileReport): Promise<void> {
    const idle = await this.releases.idleCommitting(this.config.reconcileIntervalMs, BATCH);
    report.checked += idle.length;
    for (const release of idle) {
      const job = await this.releaseJobs.find(release.id, release.run);
      const state = job ? await job.getState() : 'missing';
      if (state === 'missing' || state === 'unknown') {
        await this.releaseJobs.enqueue(release.id, release.run);
        report.reEnqueued++;
        this.logger.warn(`release ${release.id} was committing with no job; enqueued it again`);
      } else if (state === 'failed' && job) {
        await this.committer.failLost(release.id, abandonment(job));
        report.failed++;
      }
      await this.releases.touch(release.id);
    }
  }
}

/** Why the queue gave up on a job: its workers were lost too often, or what it failed with. */
function abandonment(job: Job): AirlockError {
  const attempt = attemptOf(job);
  if (attempt.exhausted) return workerLostError(attempt);
  return new AirlockError(
    'INTERNAL',
    `The copy job was abandoned by the queue: ${job.failedReason || 'the job failed'}`,
  );
}
