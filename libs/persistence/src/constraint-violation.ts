import { DatabaseError } from 'pg';
import { QueryError } from './sql/query-error';

/** A Postgres constraint a write broke, so services can answer 409 without knowing the driver. */
export interface ConstraintViolation {
  kind: 'unique' | 'foreignKey';
  constraint?: string;
  /** For a foreign key refused on delete: the table whose rows still reference the deleted one. */
  table?: string;
}

const SQLSTATES: Record<string, ConstraintViolation['kind']> = {
  '23505': 'unique',
  '23503': 'foreignKey',
};

/**
 * The constraint `error` reports, or undefined when it is some other error: a QueryError from
 * Database (which keeps pg's code, constraint and table), or pg's DatabaseError as it came.
 */
export function constraintViolationOf(error: unknown): ConstraintViolation | undefined {
  const facts = error instanceof QueryError || error instanceof DatabaseError ? error : undefined;
  if (!facts) return undefined;
  const kind = facts.code ? SQLSTATES[facts.code] : undefined;
  return kind ? { kind, constraint: facts.constraint, table: facts.table } : undefined;
}
