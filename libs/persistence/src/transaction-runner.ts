import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Transaction } from './transaction';

/** Runs work in one database transaction; everything passed the Transaction commits or none of it. */
@Injectable()
export class TransactionRunner {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(Transaction.wrap(manager)));
  }

  /**
   * Like `run`, holding a transaction-scoped advisory lock named `lockName` first: processes doing
   * the same check-then-insert (e.g. "no admin yet → create one") take turns, across the cluster.
   */
  runExclusive<T>(lockName: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `airlock:${lockName}`,
      ]);
      return work(Transaction.wrap(manager));
    });
  }
}
