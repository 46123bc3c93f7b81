import { QueryFailedError } from 'typeorm';
import { QueryError } from './sql/query-error';

/** A Postgres constraint a write broke, so services can answer 409 without knowing TypeORM. */
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

/** The constraint `error` reports, or undefined when it is some other error. */
export function constraintViolationOf(error: unknown): ConstraintViolation | undefined {
  const driver =
    error instanceof QueryError
      ? error
      : error instanceof QueryFailedError
        ? (error.driverError as { code?: string; constraint?: string; table?: string })
        : undefined;
  if (!driver) return undefined;
  const kind = driver.code ? SQLSTATES[driver.code] : undefined;
  return kind ? { kind, constraint: driver.constraint, table: driver.table } : undefined;
}
