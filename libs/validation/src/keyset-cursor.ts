import { fieldProblem, invalidInput } from './field-problem';

/** A list's keyset position: the last row's timestamp as Postgres printed it, and its id. */
export interface KeysetPosition {
  /** `timestamptz::text`, microseconds kept: `2026-12-02 10:11:12.123456+00`. */
  createdAtKey: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STAMP =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?([+-])(\d{2})(?::(\d{2}))?$/;

/** The opaque list cursor: the last row's (timestamp, id), base64url so clients do not parse it. */
export function encodeCursor(createdAtKey: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAtKey, id]), 'utf8').toString('base64url');
}

/**
 * The position a cursor names, or INVALID_INPUT naming `field`. A cursor is checked as Postgres
 * would read it: a well-formed but impossible time (month 13, 30 February, year 0) is refused
 * here, not by the database as a 500.
 */
export function decodeCursor(cursor: string, field = 'cursor'): KeysetPosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const [createdAtKey, id] = Array.isArray(value) && value.length === 2 ? value : [];
  if (typeof createdAtKey === 'string' && isPossibleStamp(createdAtKey))
    if (typeof id === 'string' && UUID.test(id)) return { createdAtKey, id };
  throw invalidInput([
    fieldProblem(field, 'cursor', `${field} must be the nextCursor of a previous page`),
  ]);
}

/** A timestamptz Postgres accepts: a real calendar day of years 1–9999, a real time, an offset within ±15:59. */
export function isPossibleStamp(stamp: string): boolean {
  const parts = STAMP.exec(stamp);
  if (!parts) return false;
  const [year, month, day, hour, minute, second, , offsetHours, offsetMinutes] = parts
    .slice(1)
    .map((p) => (p === undefined ? 0 : Number(p)));
  if (year! < 1 || month! < 1 || month! > 12 || day! < 1) return false;
  if (day! > daysIn(year!, month!)) return false;
  if (hour! > 23 || minute! > 59 || second! > 59) return false;
  return offsetHours! <= 15 && offsetMinutes! <= 59;
}

function daysIn(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; setUTCFullYear keeps years < 100 as given.
  const date = new Date(Date.UTC(2000, month, 0));
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}
