import type { AppConfig } from '@airlock/config';
import { Logger } from '@nestjs/common';
import { Pool, type PoolConfig } from 'pg';
import { PipelinedClient } from './pipelined-client';

/** Injection token of the process's one pg Pool (PersistenceModule provides it). */
export const DATABASE_POOL = Symbol('airlock:database-pool');

const logger = new Logger('DatabasePool');

/**
 * The process's connections to Postgres: every statement of Database and every transaction of
 * TransactionRunner takes one from here. Its clients pipeline (PipelinedClient), whose reliance on
 * pg internals is checked here, once, and again on every connection made, so a pg upgrade that
 * breaks it fails at boot instead of somewhere in a request.
 */
export function createPool(
  config: Pick<AppConfig, 'databaseUrl'>,
  overrides: Pick<PoolConfig, 'max'> = {},
): Pool {
  PipelinedClient.assertInternals();
  const pool = new Pool({
    connectionString: config.databaseUrl,
    // A readiness probe must answer, not hang, while Postgres is unreachable.
    connectionTimeoutMillis: 5000,
    max: 10,
    application_name: 'airlock',
    ...overrides,
    Client: PipelinedClient,
    // The stream pg writes to is only final once connected (TLS replaces the plain socket).
    onConnect: (client) => PipelinedClient.assertInternals(client),
  });
  // An idle connection that dies (Postgres restarted) is an event on the pool, not on a caller;
  // without a listener Node would end the process over it. The pool has already dropped it.
  pool.on('error', (error) => logger.warn(`idle connection lost: ${error.message}`));
  return pool;
}
