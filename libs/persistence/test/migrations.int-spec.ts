import { MIGRATIONS } from '@airlock/migrations';
import { dropDatabase, migrateDatabase, migrationDataSourceOptions } from '@airlock/persistence';
import { testDatabaseUrl } from '@airlock/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

describe('migrations', () => {
  const { url } = testDatabaseUrl('migrations');
  let client: Client | undefined;

  afterAll(async () => {
    await client?.end();
    await dropDatabase(url);
  });

  it('creates a missing database and brings it from empty to the latest schema', async () => {
    const report = await migrateDatabase({ databaseUrl: url });
    expect(report.databaseCreated).toBe(true);
    expect(report.applied).toEqual(MIGRATIONS.map((m) => m.name));

    client = new Client({ connectionString: url });
    await client.connect();
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'registries',
        'stages',
        'stage_registries',
        'policies',
        'images',
        'image_locations',
        'registry_tags',
        'gate_results',
        'promotions',
        'promotion_targets',
        'mirror_rules',
        'mirror_runs',
        'archived_digests',
        'webhook_subscriptions',
        'webhook_deliveries',
        'api_tokens',
        'audit_events',
        'idempotency_keys',
        'migrations',
      ]),
    );
  });

  it('is a no-op when run again', async () => {
    const report = await migrateDatabase({ databaseUrl: url });
    expect(report).toEqual({ databaseCreated: false, applied: [] });
    const rows = await client!.query('SELECT name FROM migrations');
    expect(rows.rowCount).toBe(MIGRATIONS.length);
  });

  it('does not load TypeORM when nothing is pending (a long-running process keeps less)', async () => {
    let migrate!: typeof migrateDatabase;
    jest.isolateModules(() => {
      jest.doMock('typeorm', () => {
        throw new Error('TypeORM was loaded');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      migrate = (require('@airlock/persistence') as { migrateDatabase: typeof migrateDatabase })
        .migrateDatabase;
    });
    try {
      await expect(migrate({ databaseUrl: url })).resolves.toEqual({
        databaseCreated: false,
        applied: [],
      });
    } finally {
      jest.dontMock('typeorm');
    }
  });

  it('applies only the newest migration when only it is missing', async () => {
    const dataSource = new DataSource(migrationDataSourceOptions({ databaseUrl: url }));
    await dataSource.initialize();
    try {
      await dataSource.undoLastMigration({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
    const report = await migrateDatabase({ databaseUrl: url });
    expect(report).toEqual({ databaseCreated: false, applied: [MIGRATIONS.at(-1)!.name] });
  });

  it('lets concurrent starts race safely: each migration is applied exactly once', async () => {
    const fresh = testDatabaseUrl('migrations_race');
    try {
      const reports = await Promise.all(
        [1, 2, 3].map(() => migrateDatabase({ databaseUrl: fresh.url })),
      );
      const applied = reports.flatMap((r) => r.applied);
      expect(applied).toEqual(MIGRATIONS.map((m) => m.name));
      expect(reports.filter((r) => r.databaseCreated)).toHaveLength(1);
    } finally {
      await dropDatabase(fresh.url);
    }
  });

  it('makes the audit log append-only in the database itself', async () => {
    await client!.query(
      `INSERT INTO audit_events (action, subject_type) VALUES ('test.created', 'test')`,
    );
    await expect(client!.query(`UPDATE audit_events SET action = 'rewritten'`)).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(client!.query(`DELETE FROM audit_events`)).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    await expect(client!.query(`TRUNCATE audit_events`)).rejects.toThrow(
      /append-only: TRUNCATE refused/,
    );
    const rows = await client!.query(`SELECT action FROM audit_events`);
    expect(rows.rows).toEqual([{ action: 'test.created' }]);
  });

  it('refuses a malformed digest in the ledger', async () => {
    await expect(
      client!.query(
        `INSERT INTO gate_results (digest, gate, status) VALUES ('latest', 'unit', 'passed')`,
      ),
    ).rejects.toThrow(/check constraint/);
  });
});
