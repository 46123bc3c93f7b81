import { AppConfig } from '@airlock/config';
import { jobId, JobQueues } from '@airlock/queue';
import { RegistriesService } from '@airlock/registries';
import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';

const PREFIX = 'integrity-registry-';

/** Where a manual run's job is: `missing` when Redis no longer has it. */
export interface RunJobState {
  state: string;
  failedReason?: string;
}

/** The job id of a run queued by hand. */
export function runJobId(runId: string): string {
  return jobId('integrity', `run-${runId}`);
}

/** The BullMQ job scheduler of a registry's audit: one per registry of role `prod`. */
export function schedulerIdOf(registryId: string): string {
  return `${PREFIX}${registryId}`;
}

/**
 * The tick a scheduled job belongs to (ms since the epoch): BullMQ records it as `prevMillis`
 * (for `every`, a multiple of the interval) and in the id `repeat:<scheduler>:<millis>`. Null
 * for a job added by hand.
 */
export function tickOf(job: Pick<Job, 'id' | 'opts'>): number | null {
  const recorded = (job.opts as { prevMillis?: number }).prevMillis;
  if (typeof recorded === 'number') return recorded;
  const match = /^repeat:.+:(\d+)$/.exec(job.id ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * Audit schedules as BullMQ job schedulers (`every` AIRLOCK_INTEGRITY_INTERVAL_MS): a scheduler
 * adds one job per tick however many workers consume the queue, and `integrity_runs` holds one
 * run per (registry, tick) whatever Redis does. Every worker applies them at boot and on each
 * reconcile pass: a registry that became `prod` gets its schedule, one that is gone or changed
 * role loses it, and a Redis that lost its data gets them back. A scheduler already running at
 * the configured interval is left alone, so the passes add nothing.
 */
@Injectable()
export class IntegritySchedules {
  private readonly logger = new Logger(IntegritySchedules.name);

  constructor(
    private readonly config: AppConfig,
    private readonly queues: JobQueues,
    private readonly registries: RegistriesService,
  ) {}

  async reconcile(): Promise<{ applied: number; removed: number }> {
    const queue = this.queues.queue('integrity');
    const prod = await this.registries.withRole('prod');
    const every = this.config.integrityIntervalMs;
    for (const registry of prod) {
      const id = schedulerIdOf(registry.id);
      const current = await queue.getJobScheduler(id);
      if (current && Number(current.every) === every) continue;
      await queue.upsertJobScheduler(
        id,
        { every },
        { name: 'integrity', data: { registryId: registry.id } },
      );
    }
    const wanted = new Set(prod.map((r) => schedulerIdOf(r.id)));
    let removed = 0;
    for (const scheduler of await queue.getJobSchedulers(0, -1)) {
      if (scheduler.key && scheduler.key.startsWith(PREFIX) && !wanted.has(scheduler.key)) {
        await queue.removeJobScheduler(scheduler.key);
        removed++;
        this.logger.log(
          `removed the audit schedule of a registry no longer prod (${scheduler.key})`,
        );
      }
    }
    return { applied: wanted.size, removed };
  }

  /** A run queued by hand: its own job, never merged with a scheduled one. */
  async queueRun(registryId: string, runId: string): Promise<string> {
    return this.queues.enqueue('integrity', { registryId, runId }, { jobId: runJobId(runId) });
  }

  /** Where the job of a run queued by hand is: `missing` when Redis no longer has it. */
  async runJobState(runId: string): Promise<RunJobState> {
    const job = await this.queues.queue('integrity').getJob(runJobId(runId));
    if (!job) return { state: 'missing' };
    return { state: await job.getState(), failedReason: job.failedReason };
  }
}
