import { AppConfig } from '@airlock/config';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type IORedis from 'ioredis';
import { JobQueues } from './job-queues';
import { createRedisConnection } from './redis-connection';
import { QueueMetrics } from './queue-metrics';
import { RedisHealth } from './redis-health';
import { WorkerLiveness } from './worker-liveness';
import { REDIS_PRODUCER } from './queue.tokens';

/** Producer side of the queues: what the API (and the worker, to fan out) uses to enqueue. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_PRODUCER,
      inject: [AppConfig],
      useFactory: (c: AppConfig) => createRedisConnection(c, 'producer'),
    },
    JobQueues,
    RedisHealth,
    QueueMetrics,
    WorkerLiveness,
  ],
  exports: [JobQueues, RedisHealth, QueueMetrics, WorkerLiveness, REDIS_PRODUCER],
})
export class QueueModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_PRODUCER) private readonly connection: IORedis) {}

  async onApplicationShutdown(): Promise<void> {
    // After JobQueues closed its queues (providers shut down before their module's class).
    this.connection.disconnect();
  }
}
