/** What Postgres (or the connection) said about a failed statement: pg's error fields, kept. */
export interface DriverFacts {
  /** SQLSTATE (`23505`), or a socket error code (`ECONNREFUSED`). */
  code?: string;
  constraint?: string;
  table?: string;
}

/**
 * A statement that failed. Its message is Postgres's; the statement's text is kept for the log,
 * its parameters are not (they may hold anything a request sent).
 */
export class QueryError extends Error {
  readonly code?: string;
  readonly constraint?: string;
  readonly table?: string;

  constructor(
    readonly statement: string,
    cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause), { cause });
    this.name = 'QueryError';
    const facts = (cause ?? {}) as DriverFacts;
    this.code = facts.code;
    this.constraint = facts.constraint;
    this.table = facts.table;
  }
}
