import { dropDatabase, migrateDatabase } from '@airlock/persistence';
import { randomBytes } from 'node:crypto';

const SERVER = process.env.AIRLOCK_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A database URL of its own for one test file; nothing is created yet. */
export function testDatabaseUrl(label: string): { name: string; url: string } {
  const name = `airlock_t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  return { name, url: `${SERVER}/${name}` };
}

/**
 * Creates a fresh database for one test file and migrates it to the latest schema. Test files
 * run in parallel without seeing each other's rows; `drop()` removes it afterwards.
 */
export async function createTestDatabase(
  label: string,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const { name, url } = testDatabaseUrl(label);
  if (options.migrate === false) {
    const { ensureDatabase } = await import('@airlock/persistence');
    await ensureDatabase(url);
  } else {
    await migrateDatabase({ databaseUrl: url });
  }
  return { name, url, drop: () => dropDatabase(url) };
}
