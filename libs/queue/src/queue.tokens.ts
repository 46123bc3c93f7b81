/** Injection token of the shared producer ioredis connection. */
export const REDIS_PRODUCER = Symbol('airlock:redis-producer');
