import { TransactionRunner } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { ImageRepository } from '../src/image.repository';
import { TagLedgerRepository, type TagKey } from '../src/tag-ledger.repository';
import { digestOf, Seed } from './seed';

/** The rows TagLedgerRepository's statements answer, against real Postgres, held to their types. */
describe('TagLedgerRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let tags: TagLedgerRepository;
  let transactions: TransactionRunner;
  let seed: Seed;
  let registry: { id: string; name: string };
  const [A, B] = [digestOf('a'), digestOf('b')];

  beforeAll(async () => {
    db = await createTestDatabase('tag_ledger_repository');
    pg = await connectTestPostgres(db.url);
    tags = new TagLedgerRepository(pg.database);
    transactions = pg.transactions;
    seed = new Seed(pg);
    registry = await seed.registry('prod-eu');
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  const key = (tag: string): TagKey => ({ registryId: registry.id, repository: 'team/app', tag });

  it('moves a tag, answering what it pointed at before', async () => {
    const upsert = (tag: string, digest: string) =>
      transactions.run((tx) => tags.upsertTag(key(tag), digest, tx));
    expect(await upsert('1.0', A)).toBeNull();
    expect(await upsert('1.0', A)).toBe(A);
    expect(await upsert('1.0', B)).toBe(A);
    expect(await upsert('latest', B)).toBeNull();
    const [row] = (await pg.query(
      `SELECT digest, updated_at FROM registry_tags WHERE tag = '1.0'`,
    )) as Array<{ digest: string; updated_at: Date }>;
    expect(row).toEqual({ digest: B, updated_at: expect.any(Date) });
  });

  it('answers tags pointing at a digest as RegistryTagRow, and recorded ones as RecordedTagRow', async () => {
    expect(await tags.pointingAt(B)).toEqual([
      { registry: 'prod-eu', repository: 'team/app', tag: '1.0', digest: B },
      { registry: 'prod-eu', repository: 'team/app', tag: 'latest', digest: B },
    ]);
    expect(await tags.pointingAt(A)).toEqual([]);
    expect(await tags.recorded([registry.id], 'team/app', ['1.0', '2.0'])).toEqual([
      { registryId: registry.id, tag: '1.0', digest: B },
    ]);
    expect(await tags.recorded([registry.id], 'team/app', [])).toEqual([]);
    expect(await tags.recorded([], 'team/app', ['1.0'])).toEqual([]);
  });

  it('takes a claim, passes it on for the same digest, answers its holder as ClaimHolderRow, releases it', async () => {
    const images = new ImageRepository(pg.database);
    const image = (
      await images.insertIfAbsent({
        repository: 'team/app',
        digest: A,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        size: 1,
        platforms: [],
        annotations: {},
        baseName: null,
        baseDigest: null,
        baseRef: null,
        build: {},
        registeredBy: null,
        childDigests: [],
      })
    ).row;
    const stageId = await seed.stage('prod', [registry.id]);
    const [first, second, other] = [
      await seed.promotion(image, registry.id, stageId),
      await seed.promotion(image, registry.id, stageId),
      await seed.promotion(image, registry.id, stageId),
    ];
    await transactions.run(async (tx) => {
      expect(await tags.takeClaim(key('1.0'), A, first, tx)).toBe(true);
      expect(await tags.takeClaim(key('1.0'), A, second, tx)).toBe(true);
      expect(await tags.takeClaim(key('1.0'), B, other, tx)).toBe(false);
      expect(await tags.claimHolder(key('1.0'), tx)).toEqual({
        registry: 'prod-eu',
        digest: A,
        promotionId: second,
      });
      expect(await tags.claimHolder(key('2.0'), tx)).toBeNull();
      expect(await tags.releaseClaims(first, tx)).toBe(0);
      expect(await tags.releaseClaims(second, tx)).toBe(1);
      expect(await tags.claimHolder(key('1.0'), tx)).toBeNull();
    });
  });
});
