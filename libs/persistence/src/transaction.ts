import type { EntityManager } from 'typeorm';

const MANAGERS = new WeakMap<Transaction, EntityManager>();

/**
 * An open database transaction, opaque outside this lib: services pass it from
 * `TransactionRunner.run` to repository calls (and to `AuditService.record`) so a change and
 * the audit event describing it commit together, without feature libs touching TypeORM.
 */
export class Transaction {
  private constructor() {}

  /** @internal for TransactionRunner */
  static wrap(manager: EntityManager): Transaction {
    const tx = new Transaction();
    MANAGERS.set(tx, manager);
    return tx;
  }
}

/** The manager of `tx`, or the fallback (autocommit) when there is no transaction. */
export function managerOf(tx: Transaction | undefined, fallback: EntityManager): EntityManager {
  if (!tx) return fallback;
  const manager = MANAGERS.get(tx);
  if (!manager) throw new Error('not a Transaction from TransactionRunner');
  return manager;
}
