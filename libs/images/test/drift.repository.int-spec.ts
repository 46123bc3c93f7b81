import { TransactionRunner } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { DriftRepository, type DependentRow } from '../src/drift.repository';
import { ImageRepository } from '../src/image.repository';
import { TagLedgerRepository } from '../src/tag-ledger.repository';
import { digestOf, Seed } from './seed';

const BASE = 'docker.io/library/alpine:3.20';

/** Which images count as built on the current base, and the rows drift reads, against real Postgres. */
describe('DriftRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let images: ImageRepository;
  let drift: DriftRepository;
  let tags: TagLedgerRepository;
  let transactions: TransactionRunner;
  let seed: Seed;

  beforeAll(async () => {
    db = await createTestDatabase('drift_repository');
    pg = await connectTestPostgres(db.url);
    const database = pg.database;
    images = new ImageRepository(database);
    drift = new DriftRepository(database);
    tags = new TagLedgerRepository(database);
    transactions = pg.transactions;
    seed = new Seed(pg);
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  const register = async (
    repository: string,
    digest: string,
    base: { digest: string | null } | null,
    childDigests: string[] = [],
  ) =>
    (
      await images.insertIfAbsent({
        repository,
        digest,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        size: 1000,
        platforms: [],
        annotations: {},
        baseName: base ? 'alpine:3.20' : null,
        baseDigest: base?.digest ?? null,
        baseRef: base ? BASE : null,
        build: base ? { commit: repository } : {},
        registeredBy: null,
        childDigests,
      })
    ).row;

  it('counts a base named by its index or by one of its platform manifests as current', async () => {
    const index = digestOf('alpine index');
    const [amd64, arm64] = [digestOf('alpine amd64'), digestOf('alpine arm64')];
    await register('library/alpine', index, null, [amd64, arm64]);
    await register('team/by-index', digestOf('a'), { digest: index });
    await register('team/by-platform', digestOf('b'), { digest: arm64 });
    await register('team/old-base', digestOf('c'), { digest: digestOf('alpine old index') });
    await register('team/no-digest', digestOf('d'), { digest: null });

    const drifted = await drift.dependents([BASE], index);
    expect(drifted.map((row) => row.repository).sort()).toEqual([
      'team/no-digest',
      'team/old-base',
    ]);

    // Once the tag moves on, every one of them was built on something else.
    const moved = await drift.dependents([BASE], digestOf('alpine next index'));
    expect(moved.map((row) => row.repository).sort()).toEqual([
      'team/by-index',
      'team/by-platform',
      'team/no-digest',
      'team/old-base',
    ]);
  });

  it('answers dependents as DependentRow, with their locations and stages; by stage on request', async () => {
    const [ci, prod] = [await seed.registry('ci-pool'), await seed.registry('prod-eu')];
    await seed.stage('ci', [ci.id]);
    await seed.stage('prod', [prod.id]);
    const image = await register('team/located', digestOf('e'), { digest: digestOf('old') });
    await images.upsertLocation(image.id, prod.id, 'team/located');
    await images.upsertLocation(image.id, ci.id, 'team/located');

    const [row] = await drift.dependents([BASE], digestOf('new'), { stage: 'prod', limit: 10 });
    expect(row).toEqual({
      imageId: image.id,
      repository: 'team/located',
      digest: digestOf('e'),
      baseName: 'alpine:3.20',
      baseRef: BASE,
      baseDigest: digestOf('old'),
      build: { commit: 'team/located' },
      locations: [
        { registry: 'ci-pool', repository: 'team/located' },
        { registry: 'prod-eu', repository: 'team/located' },
      ],
      stages: ['ci', 'prod'],
      createdAt: expect.any(Date),
    } satisfies Record<keyof DependentRow, unknown>);
    const anywhere = await drift.dependents([BASE], digestOf('new'));
    expect(anywhere.find((r) => r.repository === 'team/no-digest')).toMatchObject({
      locations: [],
      stages: [],
    });
    expect(await drift.dependents([BASE], digestOf('new'), { stage: 'nowhere' })).toEqual([]);
    expect(await drift.dependents([BASE], digestOf('new'), { limit: 2 })).toHaveLength(2);
  });

  it('answers base names in use as BaseRefRow, and where a tag points as CurrentTagRow', async () => {
    expect(await drift.baseRefs()).toEqual([{ baseRef: BASE, images: 5 }]);
    expect(await drift.baseRefs(BASE)).toEqual([{ baseRef: BASE, images: 5 }]);
    expect(await drift.baseRefs('docker.io/library/debian:12')).toEqual([]);

    const hub = await seed.registry('hub', 'https://registry-1.docker.io');
    await transactions.run((tx) =>
      tags.upsertTag(
        { registryId: hub.id, repository: 'library/alpine', tag: '3.20' },
        digestOf('x'),
        tx,
      ),
    );
    expect(await drift.currentTags([hub.id], 'library/alpine', '3.20')).toEqual([
      {
        registryId: hub.id,
        registry: 'hub',
        repository: 'library/alpine',
        tag: '3.20',
        digest: digestOf('x'),
        updatedAt: expect.any(Date),
      },
    ]);
    expect(await drift.currentTags([hub.id], 'library/alpine', '3.19')).toEqual([]);
  });
});
