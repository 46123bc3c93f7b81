import type { AirlockError } from '@airlock/errors';
import {
  JobProcessor,
  type JobAttempt,
  type JobPayloads,
  type ProcessesJobs,
} from '@airlock/queue';
import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { ReleaseCommitter } from './release-committer';

/** The `release` queue: one job writes the tags of one release (its commit point). */
@Injectable()
@JobProcessor('release')
export class ReleaseProcessor implements ProcessesJobs<'release'> {
  constructor(private readonly committer: ReleaseCommitter) {}

  process(job: Job<JobPayloads['release']>, attempt: JobAttempt): Promise<unknown> {
    return this.committer.commit(job.data.releaseId, { finalAttempt: attempt.final });
  }

  abandon(job: Job<JobPayloads['release']>, error: AirlockError): Promise<void> {
    return this.committer.failLost(job.data.releaseId, error);
  }
}
