import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { ReleaseRepository, type ReleaseRow } from '../src/releases/release.repository';

/** The rows ReleaseRepository's statements answer, against real Postgres, held to their types. */
describe('ReleaseRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let releases: ReleaseRepository;
  let stageId: string;
  let tokenId: string;

  beforeAll(async () => {
    db = await createTestDatabase('release_repository');
    pg = await connectTestPostgres(db.url);
    releases = new ReleaseRepository(pg.database);
    [{ id: stageId }] = (await pg.query<{ id: string }>(
      `INSERT INTO stages (name, position) VALUES ('prod', 1) RETURNING id`,
    )) as [{ id: string }];
    [{ id: tokenId }] = (await pg.query<{ id: string }>(
      `INSERT INTO api_tokens (name, role, token_hash, token_prefix) VALUES ('release-bot', 'ci', '\\x01', 'alk_') RETURNING id`,
    )) as [{ id: string }];
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  const store = (name: string | null = 'shop 7') =>
    pg.transactions.run((tx) =>
      releases.insert(
        { name, sourceStage: 'ci', targetStageId: stageId, requestedBy: tokenId },
        tx,
      ),
    );

  it('answers a release as ReleaseRow, with the names it refers to', async () => {
    const id = await store();
    const expected: ReleaseRow = {
      id,
      name: 'shop 7',
      sourceStage: 'ci',
      targetStageId: stageId,
      targetStage: 'prod',
      status: 'running',
      run: 1,
      requestedBy: tokenId,
      requestedByName: 'release-bot',
      tagsLanded: [],
      errorCode: null,
      errorMessage: null,
      createdAt: expect.any(Date) as Date,
      finishedAt: null,
      updatedAt: expect.any(Date) as Date,
      createdAtKey: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+\+00$/) as string,
    };
    const row = await releases.find(id);
    expect(row).toEqual(expected);
    expect(Object.keys(row!).sort()).toEqual(Object.keys(expected).sort());
    expect(await pg.transactions.run((tx) => releases.find(id, tx, true))).toEqual(expected);
    expect(await releases.find('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('notes each landed tag once, keeps it across retries, and counts runs', async () => {
    const id = await store(null);
    const eu = { registry: 'prod-eu', repository: 'shop/api', tag: '7.0.0' };
    const us = { registry: 'prod-us', repository: 'shop/api', tag: '7.0.0' };
    await releases.addLandedTags(id, [eu]);
    await releases.addLandedTags(id, [eu, us]);
    expect((await releases.find(id))!.tagsLanded).toEqual(expect.arrayContaining([eu, us]));
    expect((await releases.find(id))!.tagsLanded).toHaveLength(2);

    await pg.transactions.run((tx) =>
      releases.setStatus(
        id,
        { status: 'failed', errorCode: 'REGISTRY_ERROR', errorMessage: 'x' },
        tx,
      ),
    );
    expect(await releases.find(id)).toMatchObject({
      status: 'failed',
      errorCode: 'REGISTRY_ERROR',
      finishedAt: expect.any(Date),
    });
    expect(await pg.transactions.run((tx) => releases.retry(id, 'committing', tx))).toBe(2);
    expect(await releases.find(id)).toMatchObject({
      status: 'committing',
      run: 2,
      errorCode: null,
      finishedAt: null,
      tagsLanded: expect.arrayContaining([eu, us]),
    });
  });

  it('lists newest first by keyset, and finds committing releases left idle', async () => {
    const older = await store('older');
    const newer = await store('newer');
    const page = await releases.list({ limit: 2 });
    expect(page.map((r) => r.id)).toEqual([newer, older]);
    const next = await releases.list({
      before: { createdAtKey: page[1]!.createdAtKey, id: page[1]!.id },
      limit: 50,
    });
    expect(next.map((r) => r.id)).not.toContain(older);

    await pg.transactions.run((tx) => releases.setStatus(older, { status: 'committing' }, tx));
    await pg.query(`UPDATE releases SET updated_at = now() - interval '1 minute' WHERE id = $1`, [
      older,
    ]);
    expect((await releases.idleCommitting(30_000, 10)).map((r) => r.id)).toEqual([older]);
    await releases.touch(older);
    expect(await releases.idleCommitting(30_000, 10)).toEqual([]);
  });
});
