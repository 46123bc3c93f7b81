import { Client } from 'pg';

/**
 * The names the migrations table records (TypeORM's `migrations`), read on a connection of its
 * own; empty when there is no such table yet or it cannot be read — the migration runner then
 * finds out for itself.
 */
export async function appliedMigrationNames(databaseUrl: string): Promise<Set<string>> {
  const client = new Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations');
    return new Set(rows.map((row) => row.name));
  } catch {
    return new Set();
  } finally {
    await client.end().catch(() => undefined);
  }
}
