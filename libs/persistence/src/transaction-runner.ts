import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { PipelinedClient } from './pipelined-client';
import { Transaction } from './transaction';

const LOCK_SQL = 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))';

/**
 * Runs work in one database transaction; everything passed the Transaction commits or none of it.
 *
 * The pool's clients pipeline (PipelinedClient), and a transaction uses that: BEGIN (and the
 * advisory lock of `runExclusive`) is not waited for but goes out in one write with the first
 * statements of `work`. Postgres runs a connection's statements in order, so those statements
 * still run inside the transaction and, in READ COMMITTED, take their snapshot only once the lock
 * is held. If BEGIN or the lock fails, so does everything queued behind it, and that first error
 * is the one thrown. COMMIT is sent only after `work` has settled, as before.
 */
@Injectable()
export class TransactionRunner {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
   * TRANSACTION, the advisory lock named `lockName`, every statement `work` sends before its first
   * `await`, and COMMIT leave together, and their answers come back together — one wake-up of the
   * Postgres backend instead of one per step.
   *
   * `work` may await its results, but sends nothing after its first `await`: by then COMMIT is on
   * its way, and a statement through the Transaction throws. Postgres commits exactly when every
   * statement succeeded (an error aborts the transaction and turns COMMIT into ROLLBACK), whatever
   * `work` makes of the results afterwards — so a statement that must write nothing in some case
   * says so in its own SQL. Errors are as in `run`: the first in the order BEGIN, lock, work,
   * COMMIT. After-commit callbacks (WebhookAfterCommit) run only when Postgres answered COMMIT.
   */
  runAsOneWrite<T>(lockName: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.connected(async (runner, client) => {
      const [begun, locked] = begin(runner, client, lockName);
      const tx = Transaction.wrap(runner.manager, client);
      const result = startNow(() => work(tx));
      const ended = client.query('COMMIT');
      const sealable = client instanceof PipelinedClient ? client : null;
      sealable?.seal(
        'statement sent after COMMIT in TransactionRunner.runAsOneWrite (send every statement ' +
          'before the first await, through sqlOf: TypeORM sends a few microtasks late)',
      );
      const settled = await Promise.allSettled([begun, locked, result, ended]);
      sealable?.unseal();
      const committed = settled[3].status === 'fulfilled' && settled[3].value.command === 'COMMIT';
      markTransactionEnded(runner);
      await runner.broadcaster.broadcast(
        committed ? 'AfterTransactionCommit' : 'AfterTransactionRollback',
      );
      const failed = settled.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
      if (!committed) throw new Error('Postgres rolled the transaction back without an error');
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
    return this.connected(async (runner, client) => {
      const tx = Transaction.wrap(runner.manager, client);
      const values = await settleAll(reads.map((read) => later(() => read(tx))));
      return values as unknown as T;
    });
  }

  private transaction<T>(
    lockName: string | undefined,
    work: (tx: Transaction) => Promise<T>,
  ): Promise<T> {
    return this.connected(async (runner, client) => {
      const [begun, locked] = begin(runner, client, lockName);
      try {
        // Everything settles before COMMIT or ROLLBACK: nothing of `work` may run after either.
        const [, , result] = await settleAll([
          begun,
          locked,
          later(() => work(Transaction.wrap(runner.manager, client))),
        ]);
        await runner.commitTransaction();
        return result as T;
      } catch (error) {
        // The original error counts, even if the rollback fails too (as in DataSource.transaction).
        await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    });
  }

  /** A pooled connection (and TypeORM's runner over it) for `use`; back to the pool after. */
  private async connected<T>(
    use: (runner: QueryRunner, client: PoolClient) => Promise<T>,
  ): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await use(runner, (await runner.connect()) as PoolClient);
    } finally {
      await runner.release();
    }
  }
}

/**
 * START TRANSACTION and the advisory lock, queued straight on the connection without waiting, so
 * both go out before anything the work sends (through TypeORM too).
 */
function begin(
  runner: QueryRunner,
  client: PoolClient,
  lockName: string | undefined,
): [Promise<unknown>, Promise<unknown> | undefined] {
  const begun = client.query('START TRANSACTION');
  markTransactionStarted(runner);
  const locked =
    lockName === undefined ? undefined : client.query(LOCK_SQL, [`airlock:${lockName}`]);
  return [begun, locked];
}

/**
 * What QueryRunner.startTransaction() leaves behind once START TRANSACTION has answered — without
 * waiting for the answer. commitTransaction() and rollbackTransaction() then end the transaction as
 * usual, with their subscriber events (WebhookAfterCommit). The start events are not sent: no
 * subscriber here listens to them.
 */
function markTransactionStarted(runner: QueryRunner): void {
  const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
  state.isTransactionActive = true;
  state.transactionDepth = 1;
}

/** What commitTransaction() leaves behind, for a COMMIT sent straight to the connection. */
function markTransactionEnded(runner: QueryRunner): void {
  const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
  state.isTransactionActive = false;
  state.transactionDepth = 0;
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

/** Waits for every promise; throws the first rejection in array order, else answers the values. */
async function settleAll(
  promises: ReadonlyArray<Promise<unknown> | undefined>,
): Promise<unknown[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value);
}
