import { JobProcessor, type JobPayloads, type ProcessesJobs } from '@airlock/queue';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { IntegrityAudit } from './integrity-audit';
import { tickOf } from './integrity-schedules';

/** The `integrity` queue: one job audits one registry, for one scheduler tick or one run queued by hand. */
@Injectable()
@JobProcessor('integrity')
export class IntegrityProcessor implements ProcessesJobs<'integrity'> {
  constructor(private readonly audit: IntegrityAudit) {}

  process(job: Job<JobPayloads['integrity']>): Promise<unknown> {
    if (job.data.runId !== undefined)
      return this.audit.runQueued(job.data.runId, job.data.registryId);
    return this.audit.runScheduled(job.data.registryId, tickOf(job));
  }
}
