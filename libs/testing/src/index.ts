export { createTestDatabase, testDatabaseUrl, type TestDatabase } from './database/test-database';
export { AirlockProcess, type AirlockEntry } from './process/airlock-process';
export { stopChild, track } from './process/child-processes';
export { freePort } from './process/free-port';
export { waitFor } from './process/wait-for';
export { RedisServerFixture } from './redis/redis-server-fixture';
export { createTestRedis, type TestRedis } from './redis/test-redis';
