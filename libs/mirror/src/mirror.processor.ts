import { JobProcessor, type JobPayloads, type ProcessesJobs } from '@airlock/queue';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { tickOf } from './mirror-schedules';
import { MirrorSync } from './mirror-sync';

/** The `mirror` queue: one job syncs one rule, for one scheduler tick or one "sync now". */
@Injectable()
@JobProcessor('mirror')
export class MirrorProcessor implements ProcessesJobs<'mirror'> {
  constructor(private readonly sync: MirrorSync) {}

  process(job: Job<JobPayloads['mirror']>): Promise<unknown> {
    if (job.data.trigger === 'manual') return this.sync.sync(job.data.mirrorRuleId, 'manual');
    return this.sync.sync(job.data.mirrorRuleId, 'schedule', tickOf(job));
  }
}
