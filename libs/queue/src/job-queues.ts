import { AppConfig } from '@airlock/config';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, type JobsOptions } from 'bullmq';
import type IORedis from 'ioredis';
import { queueDefaults } from './queue-defaults';
import { type JobPayloads, type QueueName } from './queue-names';
import { REDIS_PRODUCER } from './queue.tokens';

/** The producer side: one BullMQ Queue per name over one shared, fail-fast connection. */
@Injectable()
export class JobQueues implements OnApplicationShutdown {
  private readonly logger = new Logger(JobQueues.name);
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_PRODUCER) private readonly connection: IORedis,
  ) {}

  /** Adds a job. With a `jobId`, adding the same job twice is a no-op (BullMQ keeps the first). */
  async enqueue<N extends QueueName>(
    name: N,
    data: JobPayloads[N],
    options: JobsOptions = {},
  ): Promise<string> {
    const job = await this.queue(name).add(name, data, options);
    this.logger.debug(`job ${job.id} on ${name}: enqueued`);
    return job.id as string;
  }

  /** Adds several jobs in one round trip (a MULTI); `jobId`s deduplicate as in `enqueue`. */
  async enqueueMany<N extends QueueName>(
    name: N,
    jobs: ReadonlyArray<{ data: JobPayloads[N]; options?: JobsOptions }>,
  ): Promise<string[]> {
    if (jobs.length === 0) return [];
    const added = await this.queue(name).addBulk(
      jobs.map(({ data, options = {} }) => ({ name, data, opts: options })),
    );
    for (const job of added) this.logger.debug(`job ${job.id} on ${name}: enqueued`);
    return added.map((job) => job.id as string);
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.connection,
        prefix: this.config.redisPrefix,
        defaultJobOptions: queueDefaults(this.config)[name],
      });
      // Errors surface on the calls themselves; the connection watcher logs the outage.
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.queues.clear();
    this.logger.debug('queues closed');
  }
}
