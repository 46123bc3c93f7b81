import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';

interface Handle {
  manager: EntityManager;
  client: PoolClient;
}

const HANDLES = new WeakMap<Transaction, Handle>();

/**
 * An open database transaction, opaque outside this lib: services pass it from
 * `TransactionRunner.run` to repository calls (and to `AuditService.record`) so a change and
 * the audit event describing it commit together, without feature libs touching TypeORM.
 */
export class Transaction {
  private constructor() {}

  /** @internal for TransactionRunner: the manager of the transaction and the connection under it */
  static wrap(manager: EntityManager, client: PoolClient): Transaction {
    const tx = new Transaction();
    HANDLES.set(tx, { manager, client });
    return tx;
  }
}

/** The manager of `tx`, or the fallback (autocommit) when there is no transaction. */
export function managerOf(tx: Transaction | undefined, fallback: EntityManager): EntityManager {
  if (!tx) return fallback;
  return handleOf(tx).manager;
}

/** Runs one statement and answers its rows. */
export type Sql = <Row = never>(text: string, params: unknown[]) => Promise<Row[]>;

/**
 * Plain SQL on `tx`'s connection, or on the pool (autocommit) without one — what
 * `managerOf(tx, …).query` does for a SELECT or an INSERT, straight through pg: TypeORM's query
 * runner adds about a third to the CPU cost of a statement on the API's hot paths (gate
 * recording, readiness). Failures are TypeORM's QueryFailedError as before (constraintViolationOf
 * reads them) and are logged as TypeORM logs them. Not for UPDATE or DELETE, whose result TypeORM
 * shapes differently.
 */
export function sqlOf(tx: Transaction | undefined, dataSource: DataSource): Sql {
  const target: Pick<Pool, 'query'> = tx ? handleOf(tx).client : poolOf(dataSource);
  return async <Row>(text: string, params: unknown[]) => {
    try {
      return (await target.query({ name: statementName(text), text, values: params }))
        .rows as Row[];
    } catch (error) {
      dataSource.logger.logQueryError(error as Error, text, params);
      throw new QueryFailedError(text, params, error as Error);
    }
  };
}

const NAMES = new Map<string, string>();

/**
 * Every sqlOf statement is a named prepared statement: each connection parses and plans it once,
 * then only binds and executes it. Their texts are fixed in the code (no values are spliced in),
 * so there are as many as there are call sites.
 */
function statementName(text: string): string {
  let name = NAMES.get(text);
  if (name === undefined) {
    name = `airlock_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    NAMES.set(text, name);
  }
  return name;
}

/** @internal for Database: the connection `tx` runs on. */
export function clientOf(tx: Transaction): PoolClient {
  return handleOf(tx).client;
}

/** @internal for Database: the pool that autocommit statements take a connection from. */
export function poolOfDataSource(dataSource: DataSource): Pool {
  return poolOf(dataSource);
}

function handleOf(tx: Transaction): Handle {
  const handle = HANDLES.get(tx);
  if (!handle) throw new Error('not a Transaction from TransactionRunner');
  return handle;
}

/** TypeORM's Postgres driver keeps its pg Pool (the one every query runner takes from) as `master`. */
function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}
