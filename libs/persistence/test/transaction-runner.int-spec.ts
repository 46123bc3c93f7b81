import { sql, type Transaction } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';

/**
 * TransactionRunner over the pool against real Postgres: commit and rollback, after-commit
 * callbacks (after COMMIT answered, dropped on rollback), the one-write transaction, and a
 * connection lost mid-transaction.
 */
describe('TransactionRunner', () => {
  let db: TestDatabase;
  let pg: TestPostgres;

  beforeAll(async () => {
    db = await createTestDatabase('transaction_runner');
    pg = await connectTestPostgres(db.url, { max: 4 });
    await pg.query(`CREATE TABLE notes (id serial PRIMARY KEY, text text NOT NULL UNIQUE)`);
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  const note = (text: string, tx: Transaction) =>
    pg.database.run(sql`INSERT INTO notes (text) VALUES (${text})`, tx);
  const notes = async () =>
    (await pg.query<{ text: string }>(`SELECT text FROM notes ORDER BY id`)).map((r) => r.text);

  it('commits, then runs the after-commit callbacks, which see the committed rows', async () => {
    const seen: string[][] = [];
    const result = await pg.transactions.run(async (tx) => {
      await note('a', tx);
      tx.afterCommit(async () => void seen.push(await notes()));
      // Not yet: the transaction is open.
      expect(seen).toEqual([]);
      return 'done';
    });
    expect(result).toBe('done');
    await waitUntil(() => seen.length > 0);
    expect(seen).toEqual([['a']]);
  });

  it('rolls back on an error and drops the callbacks', async () => {
    const ran: string[] = [];
    const error = await pg.transactions
      .run(async (tx) => {
        await note('b', tx);
        tx.afterCommit(() => void ran.push('b'));
        await note('a', tx); // unique violation
      })
      .catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('23505');
    expect(await notes()).toEqual(['a']);
    expect(ran).toEqual([]);
  });

  it('a failing callback is logged; the commit stands and the caller gets its result', async () => {
    const result = await pg.transactions.run(async (tx) => {
      await note('c', tx);
      tx.afterCommit(() => {
        throw new Error('redis down');
      });
      return 'kept';
    });
    expect(result).toBe('kept');
    expect(await notes()).toEqual(['a', 'c']);
  });

  it('runAsOneWrite commits and runs its callbacks; an aborted one drops them', async () => {
    const ran: string[] = [];
    await pg.transactions.runAsOneWrite('notes', async (tx) => {
      const sent = note('d', tx);
      tx.afterCommit(() => void ran.push('d'));
      await sent;
    });
    expect(ran).toEqual(['d']);
    const error = await pg.transactions
      .runAsOneWrite('notes', async (tx) => {
        const sent = Promise.all([note('e', tx), note('d', tx)]);
        tx.afterCommit(() => void ran.push('e'));
        await sent;
      })
      .catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('23505');
    expect(ran).toEqual(['d']);
    expect(await notes()).toEqual(['a', 'c', 'd']);
  });

  it('runExclusive makes holders of one lock name take turns', async () => {
    // The work starts at once; its statements queue behind the lock, so each waits for a statement.
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = pg.transactions.runExclusive('turns', async (tx) => {
      await pg.database.run(sql`SELECT 1`, tx);
      order.push('first in');
      await held;
      order.push('first out');
    });
    await waitUntil(() => order.length > 0);
    const second = pg.transactions.runExclusive('turns', async (tx) => {
      await pg.database.run(sql`SELECT 1`, tx);
      order.push('second');
    });
    await waitForLockWait(pg);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second']);
  });

  it('survives its connection being killed mid-transaction, and the pool serves again', async () => {
    const ran: string[] = [];
    const error = await pg.transactions
      .run(async (tx) => {
        tx.afterCommit(() => void ran.push('lost'));
        const [{ pid }] = (await pg.database.rows<{ pid: number }>(
          sql`SELECT pg_backend_pid() AS pid`,
          tx,
        )) as [{ pid: number }];
        await pg.query('SELECT pg_terminate_backend($1)', [pid]);
        await note('lost', tx);
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(ran).toEqual([]);
    expect(await notes()).toEqual(['a', 'c', 'd']);
    expect(await pg.transactions.run((tx) => note('after', tx))).toBe(1);
  });

  it('readTogether answers its reads in order on one connection', async () => {
    const pid = (tx: Transaction) =>
      pg.database.one<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`, tx);
    const [a, b, texts] = await pg.transactions.readTogether([
      pid,
      pid,
      (tx) => pg.database.rows<{ text: string }>(sql`SELECT text FROM notes ORDER BY id`, tx),
    ]);
    expect(a!.pid).toBe(b!.pid);
    expect(texts.map((r) => r.text)).toEqual(['a', 'c', 'd', 'after']);
  });
});

async function waitUntil(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Until some session of this database waits on a lock. */
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
