import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  DataSource,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import { managerOf, type Transaction } from '../transaction';

type Callback = () => void;

/**
 * Runs callbacks once a transaction has committed — the second half of the webhook outbox: the
 * delivery rows commit with the change, and only then are their queue jobs added. A rolled back
 * transaction drops its callbacks. Implemented as a TypeORM transaction subscriber (registered on
 * the DataSource at construction), so TransactionRunner needs no change; lives here because only
 * this lib may touch TypeORM.
 *
 * Callbacks run right after COMMIT, before the connection goes back to the pool: they must be
 * quick and must not throw (they are started, not awaited).
 */
@Injectable()
export class WebhookAfterCommit implements EntitySubscriberInterface {
  private readonly logger = new Logger(WebhookAfterCommit.name);
  private readonly pending = new WeakMap<QueryRunner, Callback[]>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.attach();
  }

  /** Calls `callback` after `tx` commits; never if it rolls back. */
  register(tx: Transaction, callback: Callback): void {
    // The manager from TransactionRunner is bound to its transaction's query runner.
    const runner = managerOf(tx, undefined as never).queryRunner;
    if (!runner) throw new Error('afterCommit needs a Transaction from TransactionRunner');
    this.attach();
    const callbacks = this.pending.get(runner) ?? [];
    callbacks.push(callback);
    this.pending.set(runner, callbacks);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A released savepoint is not the commit yet.
    if (event.queryRunner.isTransactionActive) return;
    const callbacks = this.pending.get(event.queryRunner) ?? [];
    this.pending.delete(event.queryRunner);
    for (const callback of callbacks) {
      try {
        callback();
      } catch (error) {
        this.logger.error(`after-commit callback failed: ${(error as Error).message}`);
      }
    }
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.pending.delete(event.queryRunner);
  }

  /** DataSource.initialize() replaces its subscriber list, so make sure this one is (still) in it. */
  private attach(): void {
    if (!this.dataSource.subscribers.includes(this)) this.dataSource.subscribers.push(this);
  }
}
