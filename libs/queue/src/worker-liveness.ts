import { AppConfig } from '@airlock/config';
import { Metrics } from '@airlock/observability';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type IORedis from 'ioredis';
import { hostname } from 'node:os';
import { REDIS_PRODUCER } from './queue.tokens';

const BEAT_MS = 5000;
/** A worker that has not beaten for this long counts as gone. */
export const WORKER_TTL_SECONDS = 30;

export interface WorkerFleet {
  /** Workers that polled their queues or finished a job within the last WORKER_TTL_SECONDS. */
  live: number;
  /** This process runs workers itself (standalone or worker process). */
  hostedHere: boolean;
  /** This process's own workers are polling (only meaningful when hostedHere). */
  localAlive: boolean;
}

/**
 * Worker liveness, visible from any process: each worker process writes a heartbeat key with a
 * TTL to Redis while its BullMQ workers are running (they poll; a job finishing counts too), and
 * `/readyz` counts the keys. A process that stopped polling — its Redis connection lost, its event
 * loop stuck — stops beating and disappears from the count within WORKER_TTL_SECONDS.
 */
@Injectable()
export class WorkerLiveness implements OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private probe: (() => Promise<boolean>) | undefined;
  private readonly key: string;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS_PRODUCER) private readonly redis: IORedis,
    private readonly metrics: Metrics,
  ) {
    this.key = `${config.redisPrefix}:airlock:workers:${hostname()}:${process.pid}`;
  }

  /** Called by the WorkerHost once its workers run; `polling` says whether they still do. */
  startBeating(polling: () => Promise<boolean>): void {
    this.probe = polling;
    this.timer = setInterval(() => void this.beat(), BEAT_MS);
    this.timer.unref();
    void this.beat();
  }

  /** A job finished or the queue was found drained: the worker is doing its work. */
  active(): void {
    this.metrics.workerLastActive.set(Date.now() / 1000);
  }

  async fleet(): Promise<WorkerFleet> {
    const keys = await this.scan(`${this.config.redisPrefix}:airlock:workers:*`);
    return {
      live: keys.length,
      hostedHere: this.probe !== undefined,
      localAlive: this.probe !== undefined && (await this.polling()),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (this.probe) await this.redis.del(this.key).catch(() => undefined);
  }

  private async polling(): Promise<boolean> {
    return this.probe ? this.probe().catch(() => false) : false;
  }

  private async beat(): Promise<void> {
    if (!(await this.polling())) return;
    this.active();
    await this.redis
      .set(this.key, new Date().toISOString(), 'EX', WORKER_TTL_SECONDS)
      .catch(() => undefined); // Redis down: /readyz says so on its own
  }

  private async scan(pattern: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 100);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return found;
  }
}
