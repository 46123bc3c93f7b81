import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { ImageRepository, type ImageRow, type NewImage } from '../src/image.repository';
import { digestOf, Seed } from './seed';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?\+00$/;

const newImage = (
  repository: string,
  digest: string,
  changes: Partial<NewImage> = {},
): NewImage => ({
  repository,
  digest,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 1524,
  platforms: [{ os: 'linux', architecture: 'amd64' }],
  annotations: { team: 'core' },
  baseName: 'alpine:3.20',
  baseDigest: digestOf('alpine'),
  baseRef: 'docker.io/library/alpine:3.20',
  build: {},
  registeredBy: null,
  childDigests: [],
  ...changes,
});

/** The rows ImageRepository's statements answer, against real Postgres, held to their types. */
describe('ImageRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let images: ImageRepository;
  let seed: Seed;

  beforeAll(async () => {
    db = await createTestDatabase('image_repository');
    pg = await connectTestPostgres(db.url);
    images = new ImageRepository(pg.database);
    seed = new Seed(pg);
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  it('answers image rows as ImageRow; a second insert keeps the first, filling in a missing build', async () => {
    const digest = digestOf('app 1');
    const first = await images.insertIfAbsent(newImage('team/app', digest));
    expect(first).toEqual({
      created: true,
      row: {
        id: expect.stringMatching(UUID),
        repository: 'team/app',
        digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        size: 1524,
        platforms: [{ os: 'linux', architecture: 'amd64' }],
        annotations: { team: 'core' },
        baseName: 'alpine:3.20',
        baseDigest: digestOf('alpine'),
        build: {},
        registeredBy: null,
        createdAt: expect.any(Date),
        createdAtKey: expect.stringMatching(STAMP),
      } satisfies Record<keyof ImageRow, unknown>,
    });
    const filled = await images.insertIfAbsent(
      newImage('team/app', digest, { size: 9, build: { commit: 'abc' } }),
    );
    expect(filled).toEqual({ created: false, row: { ...first.row, build: { commit: 'abc' } } });
    const kept = await images.insertIfAbsent(
      newImage('team/app', digest, { build: { commit: 'later' } }),
    );
    expect(kept).toEqual({ created: false, row: { ...first.row, build: { commit: 'abc' } } });
  });

  it('answers images by digest, one per repository, by repository', async () => {
    const digest = digestOf('shared');
    await images.insertIfAbsent(newImage('team/zeta', digest));
    await images.insertIfAbsent(newImage('team/alpha', digest));
    expect((await images.byDigest(digest)).map((r) => r.repository)).toEqual([
      'team/alpha',
      'team/zeta',
    ]);
    expect((await images.byDigest(digest, 'team/zeta')).map((r) => r.repository)).toEqual([
      'team/zeta',
    ]);
    expect(await images.byDigest(digestOf('nobody'))).toEqual([]);
  });

  it('answers locations as ImageLocationRow, seen again later', async () => {
    const registry = await seed.registry('sandbox');
    const { row } = await images.insertIfAbsent(newImage('team/located', digestOf('located')));
    await images.upsertLocation(row.id, registry.id, 'team/located');
    const [first] = await images.locationsOf([row.id]);
    expect(first).toEqual({
      imageId: row.id,
      registry: 'sandbox',
      repository: 'team/located',
      firstSeenAt: expect.any(Date),
      lastSeenAt: expect.any(Date),
    });
    await images.upsertLocation(row.id, registry.id, 'team/located');
    const [again] = await images.locationsOf([row.id]);
    expect(again!.firstSeenAt).toEqual(first!.firstSeenAt);
    expect(again!.lastSeenAt.getTime()).toBeGreaterThanOrEqual(first!.lastSeenAt.getTime());
    expect(await images.locationsOf([])).toEqual([]);
  });

  it('lists newest first in keyset pages, filtered by repository, digest, stage and gate', async () => {
    const digests = [1, 2, 3, 4].map((n) => digestOf(`paged ${n}`));
    const rows: ImageRow[] = [];
    for (const digest of digests)
      rows.push((await images.insertIfAbsent(newImage('team/paged', digest))).row);
    const page = await images.list({ repository: 'team/paged', limit: 2 });
    expect(page.map((r) => r.digest)).toEqual([digests[3], digests[2]]);
    const next = await images.list({
      repository: 'team/paged',
      before: { createdAtKey: page[1]!.createdAtKey, id: page[1]!.id },
      limit: 10,
    });
    expect(next.map((r) => r.digest)).toEqual([digests[1], digests[0]]);
    expect((await images.list({ digest: digests[2], limit: 10 })).map((r) => r.id)).toEqual([
      rows[2]!.id,
    ]);

    const prod = await seed.registry('prod-eu');
    await seed.stage('prod', [prod.id]);
    await images.upsertLocation(rows[0]!.id, prod.id, 'team/paged');
    expect((await images.list({ stage: 'prod', limit: 10 })).map((r) => r.id)).toEqual([
      rows[0]!.id,
    ]);

    // The newest result counts: an older pass does not make a digest pass.
    await seed.gateResult(digests[0]!, 'scan', 'passed');
    await seed.gateResult(digests[0]!, 'scan', 'failed');
    await seed.gateResult(digests[1]!, 'scan', 'passed');
    const withGate = (status: 'passed' | 'failed' | 'missing') =>
      images
        .list({ repository: 'team/paged', gate: { name: 'scan', status }, limit: 10 })
        .then((found) => found.map((r) => r.digest));
    expect(await withGate('passed')).toEqual([digests[1]]);
    expect(await withGate('failed')).toEqual([digests[0]]);
    expect(await withGate('missing')).toEqual([digests[3], digests[2]]);
  });
});
