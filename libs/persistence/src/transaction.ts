import { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';

/** A callback `Transaction.afterCommit` runs; a promise it answers is not awaited, only watched. */
export type AfterCommit = () => void | Promise<void>;

type State = 'open' | 'committed' | 'ended';

interface Handle {
  client: PoolClient;
  /** Null for readTogether's statements, which commit one by one: nothing to wait for. */
  callbacks: AfterCommit[] | null;
  state: State;
}

const HANDLES = new WeakMap<Transaction, Handle>();
const logger = new Logger('Transaction');

/**
 * An open database transaction, opaque outside this lib: services pass it from
 * `TransactionRunner.run` to repository calls (and to `AuditService.record`) so a change and
 * the audit event describing it commit together.
 */
export class Transaction {
  private constructor() {}

  /** @internal for TransactionRunner: a transaction on `client` (`inTransaction` false: readTogether). */
  static wrap(client: PoolClient, inTransaction = true): Transaction {
    const tx = new Transaction();
    HANDLES.set(tx, { client, callbacks: inTransaction ? [] : null, state: 'open' });
    return tx;
  }

  /**
   * Runs `callback` once Postgres has answered this transaction's COMMIT — never if it rolls back.
   * The second half of an outbox: rows written in the transaction, the jobs announcing them added
   * only once they exist for everyone. Callbacks run in the order given, before the connection
   * goes back to the pool; they should be quick. One that throws (or answers a promise that
   * rejects) is logged: the transaction has committed and the caller gets its result regardless.
   */
  afterCommit(callback: AfterCommit): void {
    const handle = handleOf(this);
    if (handle.callbacks === null)
      throw new Error('afterCommit needs a transaction; readTogether statements commit one by one');
    if (handle.state !== 'open') throw new Error('afterCommit on a transaction that has ended');
    handle.callbacks.push(callback);
  }
}

/** @internal for Database and TransactionRunner: the connection `tx` runs on. */
export function clientOf(tx: Transaction): PoolClient {
  return handleOf(tx).client;
}

/** @internal for TransactionRunner: COMMIT answered; runs the after-commit callbacks. */
export function committed(tx: Transaction): void {
  const handle = handleOf(tx);
  const callbacks = handle.callbacks ?? [];
  handle.state = 'committed';
  handle.callbacks = [];
  for (const callback of callbacks) {
    try {
      const outcome = callback();
      if (outcome instanceof Promise) outcome.catch(logFailure);
    } catch (error) {
      logFailure(error);
    }
  }
}

/** @internal for TransactionRunner: rolled back (or never committed); drops the callbacks. */
export function ended(tx: Transaction): void {
  const handle = handleOf(tx);
  if (handle.state === 'open') handle.state = 'ended';
  if (handle.callbacks) handle.callbacks = [];
}

function logFailure(error: unknown): void {
  logger.error(`after-commit callback failed: ${(error as Error)?.message ?? String(error)}`);
}

function handleOf(tx: Transaction): Handle {
  const handle = HANDLES.get(tx);
  if (!handle) throw new Error('not a Transaction from TransactionRunner');
  return handle;
}
