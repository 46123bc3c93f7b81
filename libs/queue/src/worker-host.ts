import { AppConfig } from '@airlock/config';
import { withLogContext } from '@airlock/observability';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { attemptOf, workerLostError, type JobAttempt } from './job-attempt';
import { JOB_PROCESSOR, type ProcessesJobs } from './job-processor.decorator';
import { jobStateLines } from './job-state-lines';
import { isPermanentFailure } from './permanent-failure';
import { queueDefaults } from './queue-defaults';
import type { QueueName } from './queue-names';
import { redisOptions } from './redis-connection';
import { WorkerLiveness } from './worker-liveness';

/**
 * Runs one BullMQ Worker per discovered @JobProcessor. On shutdown it lets running jobs finish
 * for up to AIRLOCK_SHUTDOWN_TIMEOUT_MS, then disconnects: a job still running then is not lost,
 * its lock lapses and BullMQ's stalled-job check hands it to another worker.
 *
 * A worker that dies uses an attempt of its job (attemptOf): the job runs again until its
 * attempts are used up, the processor knows its final attempt, and the run after the last one
 * does not copy anything but fails the job with WORKER_LOST — at once, through the processor's
 * `abandon`, rather than whenever a reconciler notices.
 */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerHost.name);
  private readonly workers: Worker[] = [];
  /** Queues whose connection reported an error and has not been ready since (log once). */
  private readonly down = new Set<string>();

  constructor(
    private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly liveness: WorkerLiveness,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const queue =
        wrapper.metatype &&
        this.reflector.get<QueueName | undefined>(JOB_PROCESSOR, wrapper.metatype);
      if (!queue || !wrapper.instance) continue;
      this.start(queue, wrapper.instance as ProcessesJobs<QueueName>);
    }
    if (this.workers.length > 0) {
      this.liveness.startBeating(() => this.polling());
    }
    const queues = this.workers.map((w) => w.name).join(', ') || 'none';
    this.logger.log(
      `worker consuming queues: ${queues} (concurrency ${this.config.workerConcurrency})`,
    );
  }

  /**
   * Every worker's loop runs and is not paused: it is polling its queue (whether Redis answers is
   * what the heartbeat itself finds out — a beat that cannot be written is no beat).
   */
  private polling(): Promise<boolean> {
    return Promise.resolve(this.workers.every((w) => w.isRunning() && !w.isPaused()));
  }

  /** Names of the queues this process consumes. */
  get queues(): string[] {
    return this.workers.map((w) => w.name);
  }

  private start(queue: QueueName, processor: ProcessesJobs<QueueName>): void {
    const worker = new Worker(queue, (job: Job) => this.run(processor, job), {
      // BullMQ's own option type is looser than ioredis' and TS cannot relate the two.
      connection: redisOptions(this.config, 'worker') as ConnectionOptions,
      prefix: this.config.redisPrefix,
      concurrency: this.config.workerConcurrency,
      lockDuration: this.config.jobLockMs,
      stalledInterval: this.config.jobLockMs,
      // Our count of lost workers decides (run → abandon). BullMQ's own stall limit (default 1,
      // then it fails the job as "stalled more than allowable limit" without running it) only
      // backs that up, for when the run that should record the loss keeps dying as well.
      maxStalledCount: (queueDefaults(this.config)[queue].attempts ?? 1) + 1,
    });
    worker.on('error', (error) => {
      if (!this.down.has(queue)) this.logger.warn(`queue ${queue}: ${error.message}`);
      this.down.add(queue);
    });
    worker.on('ready', () => this.down.delete(queue));
    for (const event of ['drained', 'completed', 'failed'] as const)
      worker.on(event, () => this.liveness.active());
    worker.on('failed', (job, error) => {
      this.logger.warn(
        `job ${job?.id ?? '?'} on ${queue} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`,
      );
    });
    this.traceStates(worker, queue);
    this.workers.push(worker);
  }

  /** Each job's state changes at debug; a stall (a worker lost) at warn, an operator must know. */
  private traceStates(worker: Worker, queue: QueueName): void {
    worker.on('active', (job) => this.logger.debug(jobStateLines.active(queue, job)));
    worker.on('completed', (job) => this.logger.debug(jobStateLines.completed(queue, job)));
    worker.on('failed', (job) => job && this.logger.debug(jobStateLines.failed(queue, job)));
    worker.on('stalled', (jobId) => this.logger.warn(jobStateLines.stalled(queue, jobId)));
  }

  private async run(processor: ProcessesJobs<QueueName>, job: Job): Promise<unknown> {
    const attempt = attemptOf(job);
    // Every line logged while the job runs carries its queue and id.
    return withLogContext({ queue: job.queueName, jobId: job.id }, async () => {
      if (attempt.exhausted) return this.abandon(processor, job, attempt);
      try {
        return await processor.process(job, attempt);
      } catch (error) {
        // After the final attempt nothing follows, even where BullMQ's attemptsMade (which does
        // not count lost workers) would allow another: the queue does what the processor was told.
        if (attempt.final || isPermanentFailure(error))
          throw new UnrecoverableError((error as Error).message);
        throw error;
      }
    });
  }

  private async abandon(
    processor: ProcessesJobs<QueueName>,
    job: Job,
    attempt: JobAttempt,
  ): Promise<never> {
    const error = workerLostError(attempt);
    this.logger.warn(`job ${job.id} on ${job.queueName} is given up: ${error.message}`);
    // If recording the failure fails (Postgres down), the job is tried again and lands here again.
    await processor.abandon?.(job, error);
    throw new UnrecoverableError(error.message);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.workers.length === 0) return;
    const bound = this.config.shutdownTimeoutMs;
    this.logger.log(`stopping workers: waiting up to ${bound} ms for running jobs`);
    const graceful = Promise.all(this.workers.map((w) => w.close())).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>(
      (resolve) => (timer = setTimeout(() => resolve(false), bound)),
    );
    const finished = await Promise.race([graceful, timedOut]);
    clearTimeout(timer);
    if (!finished) {
      // close(true) would return the pending graceful close, so cut the connections instead: the
      // unfinished jobs cannot record a result, stay active in Redis and are re-queued by the
      // stalled-job check once their lock lapses. Nothing is lost; the job runs again.
      this.logger.warn('running jobs did not finish in time; handing them back to the queue');
      await Promise.all(this.workers.map((w) => w.disconnect().catch(() => undefined)));
    }
    this.workers.length = 0;
  }
}
