import { IdempotencyKeyRepository, type StoredResponse } from '../src/idempotency-key.repository';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';

const PRINCIPAL = '11111111-1111-4111-8111-111111111111';

/** The rows IdempotencyKeyRepository's statements answer, against real Postgres. */
describe('IdempotencyKeyRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let keys: IdempotencyKeyRepository;

  beforeAll(async () => {
    db = await createTestDatabase('idempotency_key_repository');
    pg = await connectTestPostgres(db.url, { max: 3 });
    keys = new IdempotencyKeyRepository(pg.database);
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  it('stores an answer once and answers it as StoredResponse', async () => {
    const answer: StoredResponse = { requestHash: 'h1', status: 202, body: { id: 'p1', n: [1] } };
    expect(await pg.transactions.run((tx) => keys.store(PRINCIPAL, 'k1', answer, tx))).toBe(true);
    const found = await keys.find(PRINCIPAL, 'k1');
    expect(found).toEqual(answer);
    expect(Object.keys(found!).sort()).toEqual(['body', 'requestHash', 'status']);
    const again: StoredResponse = { requestHash: 'h2', status: 500, body: null };
    expect(await pg.transactions.run((tx) => keys.store(PRINCIPAL, 'k1', again, tx))).toBe(false);
    expect(await keys.find(PRINCIPAL, 'k1')).toEqual(answer);
    expect(await keys.find(PRINCIPAL, 'other')).toBeNull();
    expect(await keys.find('22222222-2222-4222-8222-222222222222', 'k1')).toBeNull();
  });

  it('completes a pending answer in the same transaction', async () => {
    await pg.transactions.run(async (tx) => {
      await keys.store(PRINCIPAL, 'k2', { requestHash: 'h', status: 202, body: null }, tx);
      expect(await keys.find(PRINCIPAL, 'k2', tx)).toEqual({
        requestHash: 'h',
        status: 202,
        body: null,
      });
      await keys.complete(PRINCIPAL, 'k2', { id: 'p2' }, tx);
    });
    expect(await keys.find(PRINCIPAL, 'k2')).toEqual({
      requestHash: 'h',
      status: 202,
      body: { id: 'p2' },
    });
  });

  it('makes a concurrent store of the same key wait for the first, then report false', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = pg.transactions.run(async (tx) => {
      const stored = await keys.store(
        PRINCIPAL,
        'k3',
        { requestHash: 'a', status: 202, body: 1 },
        tx,
      );
      await held;
      return stored;
    });
    // The first insert is in (its transaction is open) once its row is visible to a lock wait.
    const second = pg.transactions.run((tx) =>
      keys.store(PRINCIPAL, 'k3', { requestHash: 'b', status: 202, body: 2 }, tx),
    );
    await waitForLockWait(pg);
    release();
    expect(await first).toBe(true);
    expect(await second).toBe(false);
    expect(await keys.find(PRINCIPAL, 'k3')).toMatchObject({ requestHash: 'a', body: 1 });
  });
});

/** Until some session of this database waits on a lock (the second insert on the first's row). */
async function waitForLockWait(pg: TestPostgres): Promise<void> {
  for (;;) {
    const [row] = await pg.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (row!.waiting > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
