import { QueryError } from './sql/query-error';

/** Socket errors of a connection that could not be made or was lost. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * SQLSTATEs that mean "Postgres is not there for you right now", not "your statement is wrong":
 * class 08 (connection exception) and 57P01–57P03 (shut down by an administrator, crash, cannot
 * connect now — a server starting or in recovery).
 */
function unavailableState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
}

/** pg's own messages for a pool that cannot get a connection, or a connection that went away. */
const LOST =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error/i;

/**
 * Whether `error` says the database cannot be reached (down, restarting, network), as opposed to a
 * failing statement: the API answers the first with 503 and Retry-After, the second with 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const cause = error instanceof QueryError ? error.cause : error;
  if (!(cause instanceof Error)) return false;
  const code = (cause as Error & { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || unavailableState(code))) return true;
  return LOST.test(cause.message);
}
