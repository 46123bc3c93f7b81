import { raw, sql, TransactionRunner } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { AuditEventRepository, type NewAuditEvent } from '../src/audit-event.repository';

/** The rows AuditEventRepository's statements answer, against real Postgres, held to their types. */
describe('AuditEventRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let events: AuditEventRepository;
  let transactions: TransactionRunner;
  const actor = '3f0c4a52-7d5e-4b4b-9e7a-2b4f0a1c9d11';

  beforeAll(async () => {
    db = await createTestDatabase('audit_event_repository');
    // One connection: every statement below meets the same server session.
    pg = await connectTestPostgres(db.url, { max: 1 });
    events = new AuditEventRepository(pg.database);
    transactions = pg.transactions;
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  const event = (n: number, changes: Partial<NewAuditEvent> = {}): NewAuditEvent => ({
    actorTokenId: null,
    actorName: 'test',
    action: 'thing.done',
    subjectType: 'thing',
    subjectId: String(n),
    before: null,
    after: { n },
    requestId: null,
    ...changes,
  });

  it('answers an appended event as AuditEventRow; a missing document is SQL NULL', async () => {
    const row = await events.append(
      events.insert(event(0, { actorTokenId: actor, before: { a: [1] }, requestId: 'r1' })),
    );
    expect(row).toEqual({
      id: expect.stringMatching(/^[1-9]\d*$/),
      occurredAt: expect.any(Date),
      actorTokenId: actor,
      actorName: 'test',
      action: 'thing.done',
      subjectType: 'thing',
      subjectId: '0',
      before: { a: [1] },
      after: { n: 0 },
      requestId: 'r1',
    });
    const plain = await events.append(events.insert(event(-1, { after: null, subjectId: null })));
    const [stored] = (await pg.query(
      `SELECT after IS NULL AS "sqlNull", subject_id FROM audit_events WHERE id = $1`,
      [plain.id],
    )) as Array<{ sqlNull: boolean; subject_id: string | null }>;
    expect(stored).toEqual({ sqlNull: true, subject_id: null });
  });

  it('is prepared once per connection and then only executed, in and out of transactions', async () => {
    const prepared = async () =>
      (
        (await pg.query(
          `SELECT statement FROM pg_prepared_statements WHERE name LIKE 'airlock_%'`,
        )) as Array<{ statement: string }>
      ).filter((s) => s.statement.includes('INSERT INTO audit_events'));
    const before = await prepared();
    for (let n = 1; n <= 3; n++)
      await transactions.run((tx) => events.append(events.insert(event(n)), tx));
    await events.append(events.insert(event(4)));
    expect(await prepared()).toHaveLength(before.length);
    expect(before).toHaveLength(1);
  });

  it('finds newest first by each filter, keyset-paged on the id', async () => {
    const all = await events.find({ limit: 100 });
    expect(all.map((e) => e.subjectId)).toEqual(['4', '3', '2', '1', null, '0']);
    expect((await events.find({ actorTokenId: actor, limit: 10 })).map((e) => e.subjectId)).toEqual(
      ['0'],
    );
    const page = await events.find({ subjectType: 'thing', subjectId: '2', limit: 10 });
    expect(page.map((e) => e.subjectId)).toEqual(['2']);
    expect(
      (await events.find({ action: 'thing.done', beforeId: all[1]!.id, limit: 2 })).map(
        (e) => e.subjectId,
      ),
    ).toEqual(['2', '1']);
    const future = new Date(Date.now() + 60_000);
    expect(await events.find({ since: future, limit: 10 })).toEqual([]);
    expect(await events.find({ until: future, limit: 1 })).toEqual([all[0]]);
  });

  it('embeds in a statement that makes the change: subject id and after from its rows', async () => {
    const insert = events.insert(event(9, { after: { gate: 'scan' } }), {
      from: raw('made m'),
      subjectId: raw('m.id'),
      addToAfter: raw(`jsonb_build_object('id', m.id)`),
    });
    await transactions.run((tx) =>
      pg.database.run(
        sql`WITH made AS (SELECT ${'thing-9'}::text AS id), audited AS (${insert}) SELECT 1`,
        tx,
      ),
    );
    const [row] = await events.find({ subjectType: 'thing', subjectId: 'thing-9', limit: 1 });
    expect(row).toMatchObject({ subjectId: 'thing-9', after: { gate: 'scan', id: 'thing-9' } });
  });

  it('is append-only: the database refuses UPDATE and DELETE', async () => {
    await expect(pg.query(`UPDATE audit_events SET action = 'x.y'`)).rejects.toThrow();
    await expect(pg.query(`DELETE FROM audit_events`)).rejects.toThrow();
  });
});
