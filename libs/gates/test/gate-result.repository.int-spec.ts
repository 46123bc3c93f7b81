import { sql, TransactionRunner } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { GateResultRepository, type NewGateResult } from '../src/gate-result.repository';

/** The rows GateResultRepository's statements answer, against real Postgres, held to their types. */
describe('GateResultRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let results: GateResultRepository;
  let transactions: TransactionRunner;
  const digest = `sha256:${'ab'.repeat(32)}`;
  const approver = '3f0c4a52-7d5e-4b4b-9e7a-2b4f0a1c9d11';

  beforeAll(async () => {
    db = await createTestDatabase('gate_result_repository');
    pg = await connectTestPostgres(db.url);
    results = new GateResultRepository(pg.database);
    transactions = pg.transactions;
    // Stands in for the other features' inserts a recording embeds (audit event, deliveries).
    await pg.query(
      `CREATE TABLE recorded_effects (id serial PRIMARY KEY, what text, subject text, stamp jsonb)`,
    );
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  const result = (gate: string, changes: Partial<NewGateResult> = {}): NewGateResult => ({
    digest,
    gate,
    status: 'passed',
    isApproval: false,
    url: null,
    details: {},
    recordedBy: null,
    recordedByName: 'jenkins',
    ...changes,
  });

  it('answers an appended result as GateResultRow', async () => {
    const row = await results.append(
      result('unit', { status: 'failed', url: 'https://ci/1', details: { failed: 3 } }),
    );
    expect(row).toEqual({
      id: expect.stringMatching(/^[1-9]\d*$/),
      digest,
      gate: 'unit',
      status: 'failed',
      isApproval: false,
      url: 'https://ci/1',
      details: { failed: 3 },
      recordedBy: null,
      recordedByName: 'jenkins',
      createdAt: expect.any(Date),
    });
    expect(await results.latestOf(digest, 'unit')).toEqual(row);
    expect(await results.latestOf(digest, 'nope')).toBeNull();
  });

  it('records a result with its effects in one statement, stamped with its id and time', async () => {
    const recorded = await transactions.runAsOneWrite('gate-test', (tx) =>
      results.appendRecorded(
        result('unit', { details: { failed: 0 } }),
        { id: 'id', time: 'recordedAt' },
        (row) => ({
          audit: sql`INSERT INTO recorded_effects (what, subject, stamp)
                     SELECT 'audit', ${row.id}, ${row.stamp} FROM ${row.from}`,
          outbox: sql`INSERT INTO recorded_effects (what, subject, stamp)
                      SELECT 'outbox', ${row.id}, ${row.stamp} FROM ${row.from}`,
        }),
        tx,
      ),
    );
    expect(recorded).toEqual({
      row: {
        ...result('unit', { details: { failed: 0 } }),
        id: expect.any(String),
        createdAt: expect.any(Date),
      },
      deliveryIds: [expect.anything()], // here the stand-in's serial id
    });
    const effects = (await pg.query(
      `SELECT what, subject, stamp FROM recorded_effects ORDER BY what`,
    )) as Array<{ what: string; subject: string; stamp: Record<string, string> }>;
    const stamp = { id: recorded!.row.id, recordedAt: recorded!.row.createdAt.toISOString() };
    expect(effects).toEqual([
      { what: 'audit', subject: recorded!.row.id, stamp },
      { what: 'outbox', subject: recorded!.row.id, stamp },
    ]);
    expect(await results.latestOf(digest, 'unit')).toEqual({
      ...recorded!.row,
      createdAt: recorded!.row.createdAt,
    });
  });

  it('records nothing, effects included, when the gate holds approvals', async () => {
    await results.append(
      result('signoff', { isApproval: true, recordedBy: approver, recordedByName: 'alice' }),
    );
    const refused = await transactions.runAsOneWrite('gate-test', (tx) =>
      results.appendRecorded(
        result('signoff'),
        { id: 'id', time: 'at' },
        (row) => ({
          audit: sql`INSERT INTO recorded_effects (what) SELECT 'audit' FROM ${row.from}`,
          outbox: sql`INSERT INTO recorded_effects (what) SELECT 'outbox' FROM ${row.from}`,
        }),
        tx,
      ),
    );
    expect(refused).toBeNull();
    expect((await pg.query(`SELECT count(*)::int AS n FROM recorded_effects`))[0].n).toBe(2);
  });

  it('answers the newest per gate, the history newest first, and approvers as ApproverRow', async () => {
    await results.append(
      result('signoff', {
        isApproval: true,
        status: 'failed',
        recordedBy: approver,
        recordedByName: 'alice',
      }),
    );
    const latest = await results.latestPerGate([digest]);
    expect(latest.map((r) => [r.gate, r.status])).toEqual([
      ['signoff', 'failed'],
      ['unit', 'passed'],
    ]);
    const history = await results.history({ digest, limit: 10 });
    expect(history.map((r) => r.gate)).toEqual(['signoff', 'signoff', 'unit', 'unit']);
    expect(
      (await results.history({ digest, gate: 'unit', beforeId: history[2]!.id, limit: 10 })).map(
        (r) => r.id,
      ),
    ).toEqual([history[3]!.id]);
    expect(await results.approvers([digest])).toEqual([
      { digest, gate: 'signoff', approverId: approver, approverName: 'alice', status: 'failed' },
    ]);
    expect(await results.latestPerGate([`sha256:${'cd'.repeat(32)}`])).toEqual([]);
  });

  it('answers the newest per gate and the approvers of several digests at once, each apart', async () => {
    const other = `sha256:${'ef'.repeat(32)}`;
    await results.append(result('unit', { digest: other, status: 'failed' }));
    await results.append(result('unit', { digest: other, status: 'passed' }));
    await results.append(
      result('signoff', { digest: other, isApproval: true, recordedBy: approver }),
    );
    const latest = await results.latestPerGate([digest, other]);
    expect(latest.map((r) => [r.digest, r.gate, r.status])).toEqual([
      [digest, 'signoff', 'failed'],
      [digest, 'unit', 'passed'],
      [other, 'signoff', 'passed'],
      [other, 'unit', 'passed'],
    ]);
    expect((await results.approvers([other, digest])).map((a) => [a.digest, a.status])).toEqual([
      [digest, 'failed'],
      [other, 'passed'],
    ]);
    expect(await results.latestPerGate([])).toEqual([]);
  });
});
