import { jobId, JobQueues } from '@airlock/queue';
import { Injectable, Logger } from '@nestjs/common';

/** One `release` queue job per release and run: the commit that writes the release's tags. */
@Injectable()
export class ReleaseJobs {
  private readonly logger = new Logger(ReleaseJobs.name);

  constructor(private readonly queues: JobQueues) {}

  static jobIdOf(releaseId: string, run: number): string {
    return jobId('release', `${releaseId}-${run}`);
  }

  async enqueue(releaseId: string, run: number): Promise<void> {
    await this.queues.enqueue(
      'release',
      { releaseId },
      { jobId: ReleaseJobs.jobIdOf(releaseId, run) },
    );
  }

  /** After the commit that made the release `committing`: an outage is the reconciler's to mend. */
  async enqueueAfterCommit(releaseId: string, run: number): Promise<void> {
    await this.enqueue(releaseId, run).catch((error: unknown) => {
      this.logger.warn(
        `could not enqueue the commit of release ${releaseId} (the reconciler will): ${(error as Error).message}`,
      );
    });
  }

  find(releaseId: string, run: number) {
    return this.queues.queue('release').getJob(ReleaseJobs.jobIdOf(releaseId, run));
  }
}
