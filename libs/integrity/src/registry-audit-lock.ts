import { Database, sql, TransactionRunner, type Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';

/** How often a run waiting for a registry's lock tries again. */
const LOCK_POLL_MS = 1000;

/**
 * One audit per registry at a time, across the cluster: a session-level advisory lock on the registry
 * (`airlock:integrity:<registry id>`), held on a connection of its own while the run reads. A
 * worker that dies drops its connection and with it the lock; no transaction stays open for the
 * minutes a run may take (its own statements run on other connections).
 */
@Injectable()
export class RegistryAuditLock {
  constructor(
    private readonly db: Database,
    private readonly transactions: TransactionRunner,
  ) {}

  /**
   * Runs `work` holding the registry's lock. When another run holds it, waits up to `waitMs` (0: not
   * at all) and then answers undefined without running `work`.
   */
  async hold<T>(registryId: string, work: () => Promise<T>, waitMs = 0): Promise<T | undefined> {
    const key = `airlock:integrity:${registryId}`;
    // readTogether lends one pooled connection, outside any transaction, until the callback has
    // settled: the session the lock lives on.
    const [result] = await this.transactions.readTogether<[T | undefined]>([
      async (session) => {
        if (!(await this.acquire(session, key, waitMs))) return undefined;
        try {
          return await work();
        } finally {
          await this.db.run(sql`SELECT pg_advisory_unlock(hashtextextended(${key}, 0))`, session);
        }
      },
    ]);
    return result;
  }

  /** Tries at once, then every second until `waitMs` has passed. */
  private async acquire(session: Transaction, key: string, waitMs: number): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const row = await this.db.one<{ locked: boolean }>(
        sql`SELECT pg_try_advisory_lock(hashtextextended(${key}, 0)) AS locked`,
        session,
      );
      if (row?.locked === true) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(LOCK_POLL_MS, left)));
    }
  }
}
