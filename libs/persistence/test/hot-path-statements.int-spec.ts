import { AuditEventRepository, dataSourceOptions, TransactionRunner } from '@airlock/persistence';
import { createTestDatabase, type TestDatabase } from '@airlock/testing';
import { DataSource } from 'typeorm';

/** The hot paths' plain statements (sqlOf), against real Postgres. */
describe('hot-path statements', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let transactions: TransactionRunner;
  let audit: AuditEventRepository;

  beforeAll(async () => {
    db = await createTestDatabase('hot_path_statements');
    // One connection: every statement below meets the same server session.
    dataSource = await new DataSource({
      ...dataSourceOptions({ databaseUrl: db.url }),
      extra: { max: 1 },
    }).initialize();
    transactions = new TransactionRunner(dataSource);
    audit = new AuditEventRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const event = (n: number) => ({
    actorTokenId: null,
    actorName: 'test',
    action: 'thing.done',
    subjectType: 'thing',
    subjectId: String(n),
    before: null,
    after: { n },
    requestId: null,
  });

  /** The session's prepared statements (the pool has one connection, so it is always the same). */
  const prepared = async () =>
    (await dataSource.query(
      `SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'airlock_%'`,
    )) as Array<{ name: string; statement: string }>;

  it('are prepared once per connection and then only executed', async () => {
    const before = await prepared();
    for (let n = 1; n <= 3; n++) await transactions.run((tx) => audit.append(event(n), tx));
    await audit.append(event(4));
    const after = await prepared();
    const inserts = after.filter((s) => s.statement.includes('INSERT INTO audit_events'));
    // Four executions, in and out of transactions, one prepared statement.
    expect(inserts).toHaveLength(1);
    expect(before.some((s) => s.statement.includes('INSERT INTO audit_events'))).toBe(false);
    const rows = (await dataSource.query(
      `SELECT subject_id FROM audit_events ORDER BY id`,
    )) as Array<{ subject_id: string }>;
    expect(rows.map((r) => r.subject_id)).toEqual(['1', '2', '3', '4']);
  });
});
