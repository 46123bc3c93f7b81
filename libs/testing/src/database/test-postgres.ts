import { createPool, Database, TransactionRunner } from '@airlock/persistence';
import type { Pool } from 'pg';

/** The persistence lib over one test database, as the application builds it. */
export interface TestPostgres {
  pool: Pool;
  database: Database;
  transactions: TransactionRunner;
  /** Plain SQL for seeding and looking: answers the rows (empty for a statement without any). */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/**
 * Connects to the database at `url` through the application's own pool (createPool: pipelined
 * clients, the boot check of pg's internals), with Database and TransactionRunner over it.
 * `max` bounds the pool, e.g. 1 so every statement meets the same server session.
 */
export async function connectTestPostgres(
  url: string,
  options: { max?: number } = {},
): Promise<TestPostgres> {
  const pool = createPool({ databaseUrl: url }, options);
  // Fail here, in the test's setup, when the database is not there.
  await pool.query('SELECT 1').catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });
  return {
    pool,
    database: new Database(pool),
    transactions: new TransactionRunner(pool),
    query: async <Row>(text: string, params: unknown[] = []) =>
      (await pool.query(text, params)).rows as Row[],
    close: async () => {
      if (!pool.ended && !pool.ending) await pool.end();
    },
  };
}
