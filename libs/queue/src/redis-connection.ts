import type { AppConfig } from '@airlock/config';
import { Logger } from '@nestjs/common';
import IORedis, { type RedisOptions } from 'ioredis';

export type ConnectionPurpose = 'producer' | 'worker';

/**
 * ioredis options for one purpose.
 * - producer (the API enqueueing, health checks): no offline queue and one retry per request,
 *   so a call fails fast while Redis is down instead of hanging an HTTP request.
 * - worker: `maxRetriesPerRequest: null`, as BullMQ requires for its blocking commands; a worker
 *   waits for Redis to come back rather than crash.
 * Both reconnect forever with a capped delay, so Airlock recovers from a Redis restart on its own.
 */
export function redisOptions(
  config: Pick<AppConfig, 'redisUrl'>,
  purpose: ConnectionPurpose,
): RedisOptions {
  const url = new URL(config.redisUrl);
  const common: RedisOptions = {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  };
  return purpose === 'producer'
    ? { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 }
    : { ...common, maxRetriesPerRequest: null, enableReadyCheck: false };
}

/** A connection whose errors are logged (once per outage) instead of crashing the process. */
export function createRedisConnection(
  config: Pick<AppConfig, 'redisUrl'>,
  purpose: ConnectionPurpose,
  logger = new Logger('Redis'),
): IORedis {
  const connection = new IORedis(redisOptions(config, purpose));
  watchConnection(connection, logger);
  return connection;
}

export function watchConnection(connection: IORedis, logger: Logger): void {
  let down = false;
  connection.on('error', (error: Error) => {
    if (!down) logger.warn(`Redis unavailable: ${error.message}`);
    down = true;
  });
  connection.on('ready', () => {
    if (down) logger.log('Redis connection restored');
    down = false;
  });
}
