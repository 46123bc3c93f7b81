import { Injectable } from '@nestjs/common';
import { Database } from './sql/database';
import { sql } from './sql/sql';
import type { Transaction } from './transaction';
import { TransactionRunner } from './transaction-runner';

export interface HoldOptions {
  /** How long to wait for a lock another session holds (0, the default: not at all). */
  waitMs?: number;
  /** How often a waiting caller tries again (default 1 s). */
  pollMs?: number;
}

const DEFAULT_POLL_MS = 1000;

/**
 * Named locks across the cluster: a session-level Postgres advisory lock, held on a pooled
 * connection of its own for as long as `work` runs. A process that dies drops its connection and
 * with it the lock; no transaction stays open for as long as the work takes (its own statements
 * run on other connections). The one mechanism behind "one integrity run per registry", "one sync
 * per mirror rule" and "one update of a registry tag at a time".
 */
@Injectable()
export class SessionLocks {
  constructor(
    private readonly db: Database,
    private readonly transactions: TransactionRunner,
  ) {}

  /**
   * Runs `work` holding the lock `name`. When another session holds it, tries again every
   * `pollMs` for up to `waitMs`, then answers undefined without running `work`.
   */
  async hold<T>(
    name: string,
    work: () => Promise<T>,
    options: HoldOptions = {},
  ): Promise<T | undefined> {
    // readTogether lends one pooled connection, outside any transaction, until the callback has
    // settled: the session the lock lives on.
    const [result] = await this.transactions.readTogether<[T | undefined]>([
      async (session) => {
        if (!(await this.acquire(session, name, options))) return undefined;
        try {
          return await work();
        } finally {
          await this.db.run(sql`SELECT pg_advisory_unlock(hashtextextended(${name}, 0))`, session);
        }
      },
    ]);
    return result;
  }

  private async acquire(
    session: Transaction,
    name: string,
    { waitMs = 0, pollMs = DEFAULT_POLL_MS }: HoldOptions,
  ): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const row = await this.db.one<{ locked: boolean }>(
        sql`SELECT pg_try_advisory_lock(hashtextextended(${name}, 0)) AS locked`,
        session,
      );
      if (row?.locked === true) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)));
    }
  }
}
