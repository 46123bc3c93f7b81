import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Pool, QueryResult } from 'pg';
import { DATABASE_POOL } from '../pool';
import { clientOf, type Transaction } from '../transaction';
import { QueryError } from './query-error';
import type { Sql } from './sql';
import { statementName } from './statement-names';

/**
 * The one way Airlock talks to Postgres: a statement built with the `sql` tag, sent as a named
 * prepared statement on the transaction's connection — or on the pool, committing on its own,
 * without one. Repositories use nothing else.
 *
 * A row type is what the caller declares for its statement's select list (`columns<Row>()`
 * writes the list from the type); each repository's integration test holds the rows its
 * statements answer to those types.
 */
@Injectable()
export class Database {
  private readonly logger = new Logger('Database');

  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  /** The rows the statement answers (a SELECT, or a write with RETURNING). */
  async rows<Row>(query: Sql, tx?: Transaction): Promise<Row[]> {
    return (await this.send(query, tx)).rows as Row[];
  }

  /** The first row, or null when there is none. */
  async one<Row>(query: Sql, tx?: Transaction): Promise<Row | null> {
    return ((await this.send(query, tx)).rows[0] as Row | undefined) ?? null;
  }

  /** Runs a write for its effect: answers how many rows it touched. */
  async run(query: Sql, tx?: Transaction): Promise<number> {
    return (await this.send(query, tx)).rowCount ?? 0;
  }

  private async send(query: Sql, tx: Transaction | undefined): Promise<QueryResult> {
    const { text, values } = query.compile();
    const target = tx ? clientOf(tx) : this.pool;
    try {
      return await target.query({ name: statementName(text), text, values });
    } catch (error) {
      const failure = new QueryError(text, error);
      // The statement and Postgres's answer; never the values (they may hold what a request sent).
      this.logger.debug(`statement failed (${failure.code ?? 'no code'}): ${failure.message}`);
      throw failure;
    }
  }
}
