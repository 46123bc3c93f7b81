import { Client } from 'pg';

const DUPLICATE_DATABASE = '42P04';
/** Arbitrary, fixed: serialises "create if missing" across processes on the maintenance database. */
const CREATE_LOCK_KEY = '7304115009224';

/**
 * Creates the database named in the URL when it does not exist yet, by connecting to the
 * server's `postgres` maintenance database. Safe when several processes race to create it.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    // Without the lock two processes both see "missing" and one of them fails inside CREATE.
    await client.query('SELECT pg_advisory_lock($1)', [CREATE_LOCK_KEY]);
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === DUPLICATE_DATABASE) return false;
    throw error;
  } finally {
    await client.end(); // also releases the session's advisory lock
  }
}

/** Drops a database; used by tests and by nothing in production paths. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
