import type { AppConfig } from '@airlock/config';
import { MIGRATIONS } from '@airlock/migrations';
import type { DataSource as TypeOrmDataSource, DataSourceOptions } from 'typeorm';
import { appliedMigrationNames } from './applied-migrations';
import { ensureDatabase } from './ensure-database';

/** Arbitrary, fixed: every Airlock process agrees on it, nothing else in the database uses it. */
const MIGRATION_LOCK_KEY = 7_304_115_009_223n;

export interface MigrationReport {
  databaseCreated: boolean;
  applied: string[];
}

/**
 * TypeORM as Airlock uses it: the migration runner, and nothing else (no entities; the process's
 * statements go through its own pool, createPool). `synchronize` is off everywhere, tests
 * included: the schema changes only through migrations/.
 */
export function migrationDataSourceOptions(
  config: Pick<AppConfig, 'databaseUrl'>,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    entities: [],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: ['error'],
    // The migrations' connection and the one holding the lock.
    extra: { max: 2 },
  };
}

/**
 * Brings the schema to the latest version. Processes that start together serialise on a
 * session-level advisory lock held on a connection of its own, so exactly one of them applies
 * each migration and the others find nothing left to do.
 */
export async function migrateDatabase(
  config: Pick<AppConfig, 'databaseUrl'>,
): Promise<MigrationReport> {
  const databaseCreated = await ensureDatabase(config.databaseUrl);
  // The usual start: nothing pending. Then TypeORM is never loaded — it and the drivers it
  // brings would cost a long-running process ~8 MB for good (docs/architecture.md).
  if (!databaseCreated && (await allApplied(config.databaseUrl)))
    return { databaseCreated, applied: [] };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DataSource } = require('typeorm') as { DataSource: typeof TypeOrmDataSource };
  const dataSource = new DataSource(migrationDataSourceOptions(config));
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return { databaseCreated, applied: applied.map((m) => m.name) };
  } finally {
    await lock
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()])
      .catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}

/** Whether the migrations table records every migration of this build (by name, as TypeORM does). */
async function allApplied(databaseUrl: string): Promise<boolean> {
  const recorded = await appliedMigrationNames(databaseUrl);
  return MIGRATIONS.every((migration) => recorded.has(new migration().name ?? migration.name));
}
