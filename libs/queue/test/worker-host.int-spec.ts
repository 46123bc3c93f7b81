import { loadConfig } from '@airlock/config';
import {
  JobProcessor,
  JobQueues,
  WorkerHostModule,
  type JobPayloads,
  type ProcessesJobs,
} from '@airlock/queue';
import { InfrastructureModule } from '@airlock/runtime';
import {
  createTestDatabase,
  createTestRedis,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '@airlock/testing';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Job } from 'bullmq';

type Behaviour =
  | { kind: 'ok' }
  | { kind: 'sleep'; ms: number }
  /** Runs until the test releases it: a job that outlives any shutdown bound. */
  | { kind: 'hold'; until: Promise<void> }
  | { kind: 'permanent' }
  | { kind: 'flaky'; failures: number };

/** A processor driven by a table the test fills, so each job's behaviour is explicit. */
@Injectable()
// The webhook queue's name: the host runs whatever processor is registered for a queue.
@JobProcessor('webhook')
class ScriptedProcessor implements ProcessesJobs<'webhook'> {
  static behaviours = new Map<string, Behaviour>();
  static done: string[] = [];

  async process(job: Job<JobPayloads['webhook']>): Promise<string> {
    const behaviour = ScriptedProcessor.behaviours.get(job.id!) ?? { kind: 'ok' };
    if (behaviour.kind === 'sleep') await new Promise((r) => setTimeout(r, behaviour.ms));
    if (behaviour.kind === 'hold') await behaviour.until;
    if (behaviour.kind === 'permanent')
      throw Object.assign(new Error('denied for good'), { retryable: false });
    if (behaviour.kind === 'flaky' && job.attemptsMade < behaviour.failures)
      throw new Error('blip');
    ScriptedProcessor.done.push(job.id!);
    return `done ${job.data.deliveryId}`;
  }
}

@Module({ imports: [WorkerHostModule], providers: [ScriptedProcessor] })
class TestWorkerModule {}

describe('WorkerHost (real Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let app: INestApplicationContext;
  let queues: JobQueues;

  async function startApp(): Promise<INestApplicationContext> {
    const config = loadConfig({
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
      AIRLOCK_WORKER_CONCURRENCY: '2',
      AIRLOCK_SHUTDOWN_TIMEOUT_MS: '1500',
    });
    return NestFactory.createApplicationContext(
      { module: class Root {}, imports: [InfrastructureModule.forRoot(config), TestWorkerModule] },
      { logger: false },
    );
  }

  beforeAll(async () => {
    db = await createTestDatabase('worker_host');
    redis = createTestRedis('worker-host');
    app = await startApp();
    queues = app.get(JobQueues);
  });

  afterAll(async () => {
    await app?.close();
    await redis?.cleanup();
    await db?.drop();
  });

  const stateOf = async (id: string) => (await queues.queue('webhook').getJob(id))?.getState();

  it('runs an enqueued job through the discovered processor', async () => {
    const id = await queues.enqueue('webhook', { deliveryId: 'd' }, { jobId: 'ok-1' });
    await waitFor('job to complete', async () =>
      (await stateOf(id)) === 'completed' ? true : undefined,
    );
    const job = await queues.queue('webhook').getJob(id);
    expect(job?.returnvalue).toBe('done d');
  });

  it('treats a second enqueue with the same job id as a no-op', async () => {
    await queues.enqueue('webhook', { deliveryId: 'd' }, { jobId: 'same-1' });
    await queues.enqueue('webhook', { deliveryId: 'd' }, { jobId: 'same-1' });
    await waitFor('job to complete', async () =>
      (await stateOf('same-1')) === 'completed' ? true : undefined,
    );
    expect(ScriptedProcessor.done.filter((id) => id === 'same-1')).toHaveLength(1);
  });

  it('retries a transient failure and completes', async () => {
    ScriptedProcessor.behaviours.set('flaky-1', { kind: 'flaky', failures: 1 });
    await queues.enqueue(
      'webhook',
      { deliveryId: 'd' },
      { jobId: 'flaky-1', attempts: 3, backoff: { type: 'fixed', delay: 50 } },
    );
    await waitFor('job to complete', async () =>
      (await stateOf('flaky-1')) === 'completed' ? true : undefined,
    );
    expect((await queues.queue('webhook').getJob('flaky-1'))?.attemptsMade).toBe(2);
  });

  it('fails a permanent error at once, without spending the remaining attempts', async () => {
    ScriptedProcessor.behaviours.set('perm-1', { kind: 'permanent' });
    await queues.enqueue(
      'webhook',
      { deliveryId: 'd' },
      { jobId: 'perm-1', attempts: 5, backoff: { type: 'fixed', delay: 50 } },
    );
    await waitFor('job to fail', async () =>
      (await stateOf('perm-1')) === 'failed' ? true : undefined,
    );
    const job = await queues.queue('webhook').getJob('perm-1');
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toBe('denied for good');
  });

  it('on shutdown lets a running job finish within the bound', async () => {
    ScriptedProcessor.behaviours.set('slow-1', { kind: 'sleep', ms: 700 });
    await queues.enqueue('webhook', { deliveryId: 'd' }, { jobId: 'slow-1' });
    await waitFor('job to start', async () =>
      (await stateOf('slow-1')) === 'active' ? true : undefined,
    );
    await app.close();
    expect(ScriptedProcessor.done).toContain('slow-1');
    app = await startApp();
    queues = app.get(JobQueues);
    expect(await stateOf('slow-1')).toBe('completed');
  });

  it('on shutdown stops waiting at the bound and leaves an unfinished job in Redis, not lost', async () => {
    let release!: () => void;
    const until = new Promise<void>((resolve) => (release = resolve));
    ScriptedProcessor.behaviours.set('stuck-1', { kind: 'hold', until });
    await queues.enqueue('webhook', { deliveryId: 'd' }, { jobId: 'stuck-1' });
    await waitFor('job to start', async () =>
      (await stateOf('stuck-1')) === 'active' ? true : undefined,
    );
    const started = Date.now();
    await app.close();
    // It waited for the bound, then closed with the job still running (it runs until released).
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(ScriptedProcessor.done).not.toContain('stuck-1');
    release();
    app = await startApp();
    queues = app.get(JobQueues);
    // Still known to BullMQ (active until its lock lapses, then the stalled check re-queues it).
    expect(['active', 'waiting', 'completed']).toContain(await stateOf('stuck-1'));
  });
});
