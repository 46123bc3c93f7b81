import { Inject, Injectable } from '@nestjs/common';
import type IORedis from 'ioredis';
import { REDIS_PRODUCER } from './queue.tokens';

/** Answers whether Redis is reachable right now (the producer connection fails fast). */
@Injectable()
export class RedisHealth {
  constructor(@Inject(REDIS_PRODUCER) private readonly connection: IORedis) {}

  async ping(timeoutMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.connection.ping(), timeout]);
    } catch (error) {
      throw new Error(
        this.connection.status === 'ready'
          ? (error as Error).message
          : `connection ${this.connection.status}`,
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
