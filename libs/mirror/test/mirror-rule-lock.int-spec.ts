import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { randomUUID } from 'node:crypto';
import { SessionLocks } from '@airlock/persistence';
import { MirrorRuleLock } from '../src/mirror-rule-lock';

/** One sync per rule at a time, against real Postgres advisory locks. */
describe('mirror rule lock', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let lock: MirrorRuleLock;
  const rule = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase('mirror_rule_lock');
    pg = await connectTestPostgres(db.url, { max: 4 });
    lock = new MirrorRuleLock(new SessionLocks(pg.database, pg.transactions));
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  /** Holds the rule's lock until the returned release() is called. */
  const hold = () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const done = lock.hold(rule, async () => {
      entered();
      await released;
      return 'first';
    });
    return { inside, release, done };
  };

  it('refuses a second holder at once, or after waiting, and lets it in once released', async () => {
    const first = hold();
    await first.inside;
    expect(await lock.hold(rule, () => Promise.resolve('second'))).toBeUndefined();

    const started = Date.now();
    expect(await lock.hold(rule, () => Promise.resolve('third'), 1500)).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);

    const waiting = lock.hold(rule, () => Promise.resolve('fourth'), 10000);
    setTimeout(() => first.release(), 200);
    expect(await first.done).toBe('first');
    expect(await waiting).toBe('fourth');
    // Other rules are never held up.
    expect(await lock.hold(randomUUID(), () => Promise.resolve('other'))).toBe('other');
  });

  it('holds no lock once done', async () => {
    const [row] = (await pg.query(
      `SELECT count(*)::int AS held FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND d.datname = current_database()`,
    )) as Array<{ held: number }>;
    expect(row!.held).toBe(0);
  });

  it('releases the lock when the work fails', async () => {
    await expect(lock.hold(rule, () => Promise.reject(new Error('registry down')))).rejects.toThrow(
      'registry down',
    );
    expect(await lock.hold(rule, () => Promise.resolve('again'))).toBe('again');
  });
});
