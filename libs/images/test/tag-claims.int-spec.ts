import { MIGRATIONS } from '@airlock/migrations';
import { Database, sql, TransactionRunner, type Transaction } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import type { BaseDriftService } from '../src/base-drift.service';
import { ImageRepository } from '../src/image.repository';
import { TagLedger, type TagClaim } from '../src/tag-ledger';
import { TagLedgerRepository } from '../src/tag-ledger.repository';
import { digestOf, Seed } from './seed';
import type { QueryRunner } from 'typeorm';

/** Resolves when `release()` is called: holds a transaction open at a chosen point. */
function gate(): { opened: Promise<void>; release: () => void } {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return { opened, release };
}

/**
 * Tag claims against real Postgres in READ COMMITTED, with the interleavings forced rather than
 * hoped for: a claimer that waits on another's uncommitted claim must see that holder once it
 * commits; a holder that rolled back or released its claim leaves the tag free.
 */
describe('TagLedger claims', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let database: Database;
  let ledger: TagLedger;
  let transactions: TransactionRunner;
  let registryId: string;
  let stageId: string;
  const images = new Map<string, string>();
  const [A, B] = [digestOf('a'), digestOf('b')];

  beforeAll(async () => {
    db = await createTestDatabase('tag_claims');
    pg = await connectTestPostgres(db.url, { max: 6 });
    database = pg.database;
    // Claims never publish: the drift half of the ledger is not reached.
    ledger = new TagLedger(new TagLedgerRepository(database), {} as BaseDriftService);
    transactions = pg.transactions;
    const seed = new Seed(pg);
    registryId = (await seed.registry('prod-eu')).id;
    stageId = await seed.stage('prod', [registryId]);
    const imageRepository = new ImageRepository(database);
    for (const digest of [A, B]) {
      const { row } = await imageRepository.insertIfAbsent({
        repository: 'team/app',
        digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        size: 100,
        platforms: [],
        annotations: {},
        baseName: null,
        baseDigest: null,
        baseRef: null,
        build: {},
        registeredBy: null,
        childDigests: [],
      });
      images.set(digest, row.id);
    }
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  const claimOf = (tag: string): TagClaim => ({ registryId, repository: 'team/app', tag });

  /** What a promotion request does in its transaction: store the promotion, then claim its tags. */
  const request = async (digest: string, tags: string[], tx: Transaction) => {
    const { id } = (await database.one<{ id: string }>(
      sql`INSERT INTO promotions (image_id, digest, source_registry_id, source_repository, target_stage_id, tags, status)
          VALUES (${images.get(digest)}, ${digest}, ${registryId}, 'team/app', ${stageId}, ${tags}::text[], 'queued')
          RETURNING id`,
      tx,
    ))!;
    return { id, conflicts: await ledger.claim(id, digest, tags.map(claimOf), tx) };
  };

  it('a claimer that waited for another digest’s holder to commit sees it as active', async () => {
    const holding = gate();
    let holderId = '';
    const first = transactions.run(async (tx) => {
      holderId = (await request(A, ['1.0.0'], tx)).id;
      await holding.opened; // the claim is made, not committed
    });
    await waitUntil(async () => holderId !== '');
    // Blocks on the uncommitted claim row until the holder commits.
    const second = transactions.run((tx) => request(B, ['1.0.0'], tx));
    await waitForLockWait();
    holding.release();
    await first;
    const { conflicts } = await second;
    expect(conflicts).toEqual([
      expect.objectContaining({
        tag: '1.0.0',
        digest: A,
        promotionId: holderId,
        registry: 'prod-eu',
      }),
    ]);
    const claims = await pg.query(`SELECT digest FROM promotion_tag_claims WHERE tag = '1.0.0'`);
    expect(claims).toEqual([{ digest: A }]);
  });

  it('a claimer that waited for a holder that rolled back gets the tag', async () => {
    const holding = gate();
    let started = false;
    const first = transactions
      .run(async (tx) => {
        await request(A, ['2.0.0'], tx);
        started = true;
        await holding.opened;
        throw new Error('the request failed after claiming');
      })
      .catch(() => 'rolled back');
    await waitUntil(async () => started);
    const second = transactions.run((tx) => request(B, ['2.0.0'], tx));
    await waitForLockWait();
    holding.release();
    expect(await first).toBe('rolled back');
    expect((await second).conflicts).toEqual([]);
  });

  /** What settling or cancelling does in its transaction: the promotion finishes, its claims go. */
  const finish = (id: string, tx: Transaction) =>
    database
      .run(sql`UPDATE promotions SET status = 'cancelled' WHERE id = ${id}`, tx)
      .then(() => ledger.release(id, tx));

  const claimsOf = (tag: string) =>
    pg.query(
      `SELECT digest, promotion_id AS "promotionId" FROM promotion_tag_claims WHERE tag = $1`,
      [tag],
    );

  it('the same digest passes the claim on; a released claim is free for another digest', async () => {
    await transactions.run((tx) => request(A, ['3.0.0'], tx));
    const again = await transactions.run((tx) => request(A, ['3.0.0'], tx));
    expect(again.conflicts).toEqual([]);
    const refused = await transactions.run((tx) => request(B, ['3.0.0'], tx));
    expect(refused.conflicts).toEqual([
      expect.objectContaining({ tag: '3.0.0', digest: A, promotionId: again.id }),
    ]);
    await transactions.run((tx) => finish(again.id, tx));
    const other = await transactions.run((tx) => request(B, ['3.0.0'], tx));
    expect(other.conflicts).toEqual([]);
    expect(await claimsOf('3.0.0')).toEqual([{ digest: B, promotionId: other.id }]);
  });

  it('a claimer that waited for a holder releasing its claim gets the tag', async () => {
    const held = await transactions.run((tx) => request(A, ['6.0.0'], tx));
    const holding = gate();
    let released = false;
    const cancel = transactions.run(async (tx) => {
      await finish(held.id, tx);
      released = true;
      await holding.opened; // the claim is deleted, not committed
    });
    await waitUntil(async () => released);
    // Blocks on the claim row being deleted until the cancellation commits.
    const second = transactions.run((tx) => request(B, ['6.0.0'], tx));
    await waitForLockWait();
    holding.release();
    await cancel;
    const { id, conflicts } = await second;
    expect(conflicts).toEqual([]);
    expect(await claimsOf('6.0.0')).toEqual([{ digest: B, promotionId: id }]);
  });

  it('a claim a finished promotion left behind holds until the migration deletes it', async () => {
    const held = await transactions.run((tx) => request(A, ['3.1.0'], tx));
    // Finished without releasing, as promotions did before claims were released on finish. The
    // ledger does not ask the promotion: the claim row is the holder.
    await pg.query(`UPDATE promotions SET status = 'succeeded' WHERE id = $1`, [held.id]);
    const refused = await transactions.run((tx) => request(B, ['3.1.0'], tx));
    expect(refused.conflicts).toEqual([
      expect.objectContaining({ tag: '3.1.0', digest: A, promotionId: held.id }),
    ]);
    const migration = MIGRATIONS.find(
      (m) => m.name === 'TagClaimsOfActivePromotions1796310000000',
    )!;
    await new migration().up(migrationRunner(pg));
    expect(await claimsOf('3.1.0')).toEqual([]);
    // An active promotion's claim stays.
    expect(await claimsOf('3.0.0')).toEqual([{ digest: B, promotionId: expect.any(String) }]);
    const other = await transactions.run((tx) => request(B, ['3.1.0'], tx));
    expect(other.conflicts).toEqual([]);
  });

  it('many claimers of two digests at once, several rounds: one digest holds every tag', async () => {
    for (let round = 0; round < 5; round++) {
      const tags = [`4.0.${round}`, `4.0.${round}-extra`];
      // As a promotion request does: refused → its transaction rolls back, promotion and claims.
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => {
          const digest = i % 2 === 0 ? A : B;
          return transactions
            .run(async (tx) => {
              const result = await request(digest, tags, tx);
              if (result.conflicts.length > 0) throw new Refused(result.conflicts);
              return { digest, ...result };
            })
            .catch((error: unknown) => {
              if (error instanceof Refused) return error;
              throw error;
            });
        }),
      );
      const accepted = results.flatMap((r) => (r instanceof Refused ? [] : [r]));
      const holders = [...new Set(accepted.map((r) => r.digest))];
      expect({ round, holders: holders.length }).toEqual({ round, holders: 1 });
      const claimed = await pg.query(
        `SELECT tag, digest FROM promotion_tag_claims WHERE tag = ANY($1::text[]) ORDER BY tag`,
        [tags],
      );
      expect(claimed).toEqual(tags.map((tag) => ({ tag, digest: holders[0] })));
      for (const refused of results.filter((r) => r instanceof Refused))
        expect(refused.conflicts.map((c) => c.digest)).toEqual(
          expect.arrayContaining([holders[0]]),
        );
    }
  });

  /** Until another backend waits for a lock (the second claimer blocked on the first's row). */
  const waitForLockWait = () =>
    waitUntil(async () => {
      const [row] = (await pg.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      )) as Array<{ n: number }>;
      return row!.n > 0;
    });
});

class Refused extends Error {
  constructor(readonly conflicts: Array<{ digest: string }>) {
    super('refused');
  }
}

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not met');
}

/** A migration's `up` uses only `query`: run it again over the test's pool, without TypeORM. */
function migrationRunner(pg: TestPostgres): QueryRunner {
  const query = async (text: string, params?: unknown[]) =>
    (await pg.pool.query(text, params)).rows;
  return { query } as unknown as QueryRunner;
}
