import { SetMetadata } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { JobPayloads, QueueName } from './queue-names';

export const JOB_PROCESSOR = Symbol('airlock:job-processor');

/** Marks a provider as the consumer of one queue; the WorkerHost finds it at boot. */
export const JobProcessor = (queue: QueueName) => SetMetadata(JOB_PROCESSOR, queue);

/** What a processor implements: read the ids in `job.data`, call one service method. */
export interface ProcessesJobs<N extends QueueName> {
  process(job: Job<JobPayloads[N]>): Promise<unknown>;
}
