import { Injectable, Logger } from '@nestjs/common';
import { IntegritySchedules, type RunJobState } from './integrity-schedules';
import { IntegrityRepository, type IntegrityRunRow } from './integrity.repository';
import { RegistryAuditLock } from './registry-audit-lock';

/** Job states in which the queue will still run (or retry) a run queued by hand. */
const PENDING = new Set(['waiting', 'delayed', 'prioritized', 'active', 'waiting-children']);

const LOST = {
  code: 'WORKER_LOST',
  message: 'the worker running this audit stopped before it finished; the next run checks again',
};

/** What to do with an unfinished run. */
export type RecoveryStep =
  | { do: 'leave' }
  | { do: 'requeue' }
  | { do: 'fail'; message: string }
  | { do: 'fail-if-unlocked' };

/**
 * The recovery of one unfinished run, from its status and its job (`undefined` for a scheduled
 * run, whose job is its tick's): left while its job is pending; a queued run whose job is gone is
 * queued again, one whose job ended without running it fails with the job's reason; a running
 * run fails as lost unless an audit holds its registry (checked under the lock).
 */
export function recoveryStep(
  run: Pick<IntegrityRunRow, 'status'>,
  job: RunJobState | undefined,
): RecoveryStep {
  if (job && PENDING.has(job.state)) return { do: 'leave' };
  if (run.status === 'running') return { do: 'fail-if-unlocked' };
  if (!job) return { do: 'leave' };
  if (job.state === 'missing') return { do: 'requeue' };
  return {
    do: 'fail',
    message: job.failedReason
      ? `its job failed: ${job.failedReason}`
      : `its job ended (${job.state}) without running it`,
  };
}

/**
 * Runs that would otherwise stay `queued` or `running` for ever, found on each reconcile pass
 * (recoveryStep decides). Holding the registry's lock while failing a running run keeps a run
 * from starting in between; a run that finished meanwhile is left alone (`abandon` checks the
 * status).
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
      const step = recoveryStep(run, job);
      if (step.do === 'requeue') {
        await this.schedules.queueRun(run.registryId, run.id);
        requeued++;
        this.logger.log(
          `integrity run ${run.id} (${run.registry}): its job was lost; queued again`,
        );
      } else if (step.do === 'fail') {
        const error = { code: 'INTERNAL', message: step.message };
        if (await this.runs.abandon(run.id, 'queued', error)) failed++;
      } else if (step.do === 'fail-if-unlocked' && (await this.failIfNobodyRuns(run))) {
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
