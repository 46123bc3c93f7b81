import { dataSourceOptions, DriftRepository, ImageRepository } from '@airlock/persistence';
import { createTestDatabase, type TestDatabase } from '@airlock/testing';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';

const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const BASE = 'docker.io/library/alpine:3.20';

/** Which images count as built on the current base, against real Postgres. */
describe('drift dependents', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let images: ImageRepository;
  let drift: DriftRepository;

  beforeAll(async () => {
    db = await createTestDatabase('drift_dependents');
    dataSource = await new DataSource(dataSourceOptions({ databaseUrl: db.url })).initialize();
    images = new ImageRepository(dataSource);
    drift = new DriftRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const register = (
    repository: string,
    digest: string,
    base: { digest: string | null } | null,
    childDigests: string[] = [],
  ) =>
    images.insertIfAbsent({
      repository,
      digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      size: 1000,
      platforms: [],
      annotations: {},
      baseName: base ? 'alpine:3.20' : null,
      baseDigest: base?.digest ?? null,
      baseRef: base ? BASE : null,
      build: {},
      registeredBy: null,
      childDigests,
    });

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
});
