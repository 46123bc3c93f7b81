import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { PipelinedClient } from './pipelined-client';
import { DATABASE_POOL } from './pool';
import { settleAll } from './settle-all';
import { committed, ended, Transaction } from './transaction';

const LOCK_SQL = 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))';
const LOCK_STATEMENT = 'airlock_advisory_xact_lock';

/**
 * Runs work in one database transaction; everything passed the Transaction commits or none of it.
 *
 * The pool's clients pipeline (PipelinedClient), and a transaction uses that: BEGIN (and the
 * advisory lock of `runExclusive`) is not waited for but goes out in one write with the first
 * statements of `work`. Postgres runs a connection's statements in order, so those statements
 * still run inside the transaction and, in READ COMMITTED, take their snapshot only once the lock
 * is held. If BEGIN or the lock fails, so does everything queued behind it, and that first error
 * is the one thrown. COMMIT is sent only after `work` has settled. Callbacks registered with
 * `tx.afterCommit` run once COMMIT has answered; a rollback drops them.
 */
@Injectable()
export class TransactionRunner {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.transaction(undefined, work);
  }

  /**
   * Like `run`, holding a transaction-scoped advisory lock named `lockName` first: processes doing
   * the same check-then-insert (e.g. "no admin yet → create one") take turns, across the cluster.
   */
  runExclusive<T>(lockName: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.transaction(lockName, work);
  }

  /**
   * A transaction sent as one write, for work whose statements need no answer from one another in
   * JavaScript (one statement doing everything through CTEs, or independent ones): START
   * TRANSACTION, the advisory lock named `lockName` (none when undefined), every statement `work` sends before its first
   * `await`, and COMMIT leave together, and their answers come back together — one wake-up of the
   * Postgres backend instead of one per step.
   *
   * `work` may await its results, but sends nothing after its first `await`: by then COMMIT is on
   * its way, and a statement through the Transaction throws. Postgres commits exactly when every
   * statement succeeded (an error aborts the transaction and turns COMMIT into ROLLBACK), whatever
   * `work` makes of the results afterwards — so a statement that must write nothing in some case
   * says so in its own SQL. Errors are as in `run`: the first in the order BEGIN, lock, work,
   * COMMIT. After-commit callbacks (which `work` may register until it settles) run only when
   * Postgres answered COMMIT.
   */
  runAsOneWrite<T>(
    lockName: string | undefined,
    work: (tx: Transaction) => Promise<T>,
  ): Promise<T> {
    return this.connected(async (client) => {
      const [begun, locked] = begin(client, lockName);
      const tx = Transaction.wrap(client);
      const result = startNow(() => work(tx));
      const commit: Promise<QueryResult> = client.query('COMMIT');
      const sealable = client instanceof PipelinedClient ? client : null;
      sealable?.seal(
        'statement sent after COMMIT in TransactionRunner.runAsOneWrite (send every statement ' +
          'before the first await)',
      );
      const settled = await Promise.allSettled([begun, locked, result, commit]);
      sealable?.unseal();
      // An aborted transaction answers COMMIT with ROLLBACK.
      const didCommit = settled[3].status === 'fulfilled' && settled[3].value.command === 'COMMIT';
      if (didCommit) committed(tx);
      else ended(tx);
      const failed = settled.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
      if (!didCommit) throw new Error('Postgres rolled the transaction back without an error');
      return (settled[2] as PromiseFulfilledResult<T>).value;
    });
  }

  /**
   * Runs reads on one pooled connection, all issued at once, and answers their results in order.
   * Without a transaction: each statement commits on its own, exactly as repository calls without
   * a Transaction do. They go out in one write and come back in one read, instead of a connection,
   * a write and a read each. Every read settles before the connection goes back to the pool; the
   * first failure (in `reads` order) is thrown.
   */
  readTogether<T extends readonly unknown[]>(reads: {
    [K in keyof T]: (tx: Transaction) => Promise<T[K]>;
  }): Promise<T> {
    return this.connected(async (client) => {
      const tx = Transaction.wrap(client, false);
      const values = await settleAll(reads.map((read) => later(() => read(tx))));
      return values as unknown as T;
    });
  }

  private transaction<T>(
    lockName: string | undefined,
    work: (tx: Transaction) => Promise<T>,
  ): Promise<T> {
    return this.connected(async (client) => {
      const tx = Transaction.wrap(client);
      const [begun, locked] = begin(client, lockName);
      let result: T;
      try {
        // Everything settles before COMMIT or ROLLBACK: nothing of `work` may run after either.
        const [, , value] = await settleAll([begun, locked, later(() => work(tx))]);
        await client.query('COMMIT');
        result = value as T;
      } catch (error) {
        ended(tx);
        // The original error counts, even if the rollback fails too; a connection that cannot
        // roll back is not given back to the pool as it is (`connected` destroys it).
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          throw new ConnectionSpoiled(error, rollbackError);
        });
        throw error;
      }
      committed(tx);
      return result;
    });
  }

  /**
   * A pooled connection for `use`, back to the pool after — or destroyed, when it failed under
   * `use` (the socket dropped, or a ROLLBACK did not go through).
   */
  private async connected<T>(use: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A checked-out client has no listener of the pool's; without one a dropped socket would be
    // an unhandled 'error' event. The statements in flight fail with it anyway.
    let lost: Error | undefined;
    const onError = (error: Error) => (lost ??= error);
    client.on('error', onError);
    try {
      return await use(client);
    } catch (error) {
      if (error instanceof ConnectionSpoiled) {
        lost ??= error.rollbackError;
        throw error.original;
      }
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(lost);
    }
  }
}

/** A transaction's failure whose ROLLBACK failed too: the connection must not be reused. */
class ConnectionSpoiled {
  readonly rollbackError: Error;

  constructor(
    readonly original: unknown,
    rollbackError: unknown,
  ) {
    this.rollbackError =
      rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
  }
}

/**
 * START TRANSACTION and the advisory lock, queued straight on the connection without waiting, so
 * both go out before anything the work sends.
 */
function begin(
  client: PoolClient,
  lockName: string | undefined,
): [Promise<unknown>, Promise<unknown> | undefined] {
  const begun = client.query('START TRANSACTION');
  // Named, so each connection parses and plans it once (like every statement of Database).
  const locked =
    lockName === undefined
      ? undefined
      : client.query({ name: LOCK_STATEMENT, text: LOCK_SQL, values: [`airlock:${lockName}`] });
  return [begun, locked];
}

/** Calls `work` at once (its statements go out now); a synchronous throw becomes a rejection. */
function startNow<T>(work: () => Promise<T>): Promise<T> {
  try {
    return work();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Starts `work` in a microtask, so a synchronous throw becomes a rejection like any other. */
function later<T>(work: () => Promise<T>): Promise<T> {
  return Promise.resolve().then(work);
}
