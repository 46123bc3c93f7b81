import type { AirlockError } from '@airlock/errors';
import { SetMetadata } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { JobAttempt } from './job-attempt';
import type { JobPayloads, QueueName } from './queue-names';

export const JOB_PROCESSOR = Symbol('airlock:job-processor');

/** Marks a provider as the consumer of one queue; the WorkerHost finds it at boot. */
export const JobProcessor = (queue: QueueName) => SetMetadata(JOB_PROCESSOR, queue);

/** What a processor implements: read the ids in `job.data`, call one service method. */
export interface ProcessesJobs<N extends QueueName> {
  /** `attempt` counts lost workers as used attempts: its `final` is what the queue will do. */
  process(job: Job<JobPayloads[N]>, attempt: JobAttempt): Promise<unknown>;
  /**
   * The queue gives up on the job without running it: its workers were lost more often than its
   * attempts allow. Record the failure where the truth lives; throwing leaves the job to be
   * tried again (and the processor's own safety net, if it has one).
   */
  abandon?(job: Job<JobPayloads[N]>, error: AirlockError): Promise<void>;
}
