import { Injectable, Logger } from '@nestjs/common';
import { IntegritySchedules } from './integrity-schedules';
import { IntegrityRepository, type IntegrityRunRow } from './integrity.repository';
import { RegistryAuditLock } from './registry-audit-lock';

/** Job states in which the queue will still run (or retry) a run queued by hand. */
const PENDING = new Set(['waiting', 'delayed', 'prioritized', 'active', 'waiting-children']);

const LOST = {
  code: 'WORKER_LOST',
  message: 'the worker running this audit stopped before it finished; the next run checks again',
};

/**
 * Runs that would otherwise stay `queued` or `running` for ever, found on each reconcile pass:
 *
 * - a run queued by hand whose job Redis lost (a restart without persistence) is queued again
 *   under the same job id; one whose job failed for good fails with the job's reason;
 * - a `running` run nobody runs — no audit holds its registry's lock, and no job of its own is
 *   pending — fails as `WORKER_LOST`. Holding the lock while checking keeps a run from starting
 *   in between; a run that finished meanwhile is left alone (`abandon` checks the status).
 */
@Injectable()
export class IntegrityRunRecovery {
  private readonly logger = new Logger(IntegrityRunRecovery.name);

  constructor(
    private readonly runs: IntegrityRepository,
    private readonly schedules: IntegritySchedules,
    private readonly lock: RegistryAuditLock,
  ) {}

  async recover(): Promise<{ requeued: number; failed: number }> {
    let requeued = 0;
    let failed = 0;
    for (const run of await this.runs.unfinished()) {
      const job = run.trigger === 'manual' ? await this.schedules.runJobState(run.id) : undefined;
      if (job && PENDING.has(job.state)) continue;
      if (run.status === 'queued' && job?.state === 'missing') {
        await this.schedules.queueRun(run.registryId, run.id);
        requeued++;
        this.logger.log(
          `integrity run ${run.id} (${run.registry}): its job was lost; queued again`,
        );
      } else if (run.status === 'queued' && job) {
        const message = job.failedReason
          ? `its job failed: ${job.failedReason}`
          : `its job ended (${job.state}) without running it`;
        if (await this.runs.abandon(run.id, 'queued', { code: 'INTERNAL', message })) failed++;
      } else if (run.status === 'running' && (await this.failIfNobodyRuns(run))) {
        failed++;
      }
    }
    return { requeued, failed };
  }

  private async failIfNobodyRuns(run: IntegrityRunRow): Promise<boolean> {
    const abandoned = await this.lock.hold(run.registryId, () =>
      this.runs.abandon(run.id, 'running', LOST),
    );
    if (abandoned)
      this.logger.warn(`integrity run ${run.id} (${run.registry}): its worker was lost; failed`);
    return abandoned === true;
  }
}
