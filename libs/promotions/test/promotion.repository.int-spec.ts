import {
  PromotionRepository,
  type NewPromotion,
  type PromotionRow,
  type PromotionTargetRow,
} from '../src/promotion.repository';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** The rows PromotionRepository's statements answer, against real Postgres, held to their types. */
describe('PromotionRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let promotions: PromotionRepository;
  let imageId: string;
  let sourceId: string;
  let targetIds: { eu: string; us: string };
  let stageId: string;
  let tokenId: string;

  beforeAll(async () => {
    db = await createTestDatabase('promotion_repository');
    pg = await connectTestPostgres(db.url);
    promotions = new PromotionRepository(pg.database);
    const registry = async (name: string) =>
      (
        await pg.query<{ id: string }>(
          `INSERT INTO registries (name, url, role) VALUES ($1, 'http://127.0.0.1:1', 'prod') RETURNING id`,
          [name],
        )
      )[0]!.id;
    sourceId = await registry('ci');
    targetIds = { eu: await registry('prod-eu'), us: await registry('prod-us') };
    [{ id: stageId }] = (await pg.query<{ id: string }>(
      `INSERT INTO stages (name, position) VALUES ('prod', 1) RETURNING id`,
    )) as [{ id: string }];
    [{ id: imageId }] = (await pg.query<{ id: string }>(
      `INSERT INTO images (repository, digest, media_type, size) VALUES ('team/app', $1, 'x', 1) RETURNING id`,
      [DIGEST],
    )) as [{ id: string }];
    [{ id: tokenId }] = (await pg.query<{ id: string }>(
      `INSERT INTO api_tokens (name, role, token_hash, token_prefix) VALUES ('release-bot', 'ci', '\\x01', 'alk_') RETURNING id`,
    )) as [{ id: string }];
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  const newPromotion = (changes: Partial<NewPromotion> = {}): NewPromotion => ({
    imageId,
    digest: DIGEST,
    sourceRegistryId: sourceId,
    sourceRepository: 'team/app',
    sourceTag: '1.0.0',
    sourceStage: 'ci',
    targetStageId: stageId,
    tags: ['1.0.0', 'stable'],
    evidence: [{ gate: 'unit', status: 'passed' }],
    admittedPolicy: { requiredGates: ['unit'], approvalsRequired: 0 },
    options: { allowTagOverwrite: false },
    plan: [{ registry: 'prod-eu', blobs: 3 }],
    requestedBy: tokenId,
    releaseId: null,
    ...changes,
  });

  const store = (changes: Partial<NewPromotion> = {}) =>
    pg.transactions.run(async (tx) => {
      const id = await promotions.insert(newPromotion(changes), tx);
      const eu = await promotions.insertTarget(
        id,
        { registryId: targetIds.eu, repository: 'team/app', bytesTotal: 3000, blobsTotal: 3 },
        tx,
      );
      const us = await promotions.insertTarget(
        id,
        { registryId: targetIds.us, repository: 'team/app', bytesTotal: 3000, blobsTotal: 3 },
        tx,
      );
      return { id, eu, us };
    });

  it('answers a promotion as PromotionRow, with the names it refers to', async () => {
    const { id } = await store();
    const row = await promotions.find(id);
    const expected: PromotionRow = {
      id,
      imageId,
      digest: DIGEST,
      sourceRegistryId: sourceId,
      sourceRegistry: 'ci',
      sourceRepository: 'team/app',
      sourceTag: '1.0.0',
      sourceStage: 'ci',
      targetStageId: stageId,
      targetStage: 'prod',
      tags: ['1.0.0', 'stable'],
      status: 'queued',
      evidence: [{ gate: 'unit', status: 'passed' }],
      admittedPolicy: { requiredGates: ['unit'], approvalsRequired: 0 },
      options: { allowTagOverwrite: false },
      plan: [{ registry: 'prod-eu', blobs: 3 }],
      requestedBy: tokenId,
      requestedByName: 'release-bot',
      releaseId: null,
      errorCode: null,
      errorMessage: null,
      createdAt: expect.any(Date) as Date,
      startedAt: null,
      finishedAt: null,
      updatedAt: expect.any(Date) as Date,
      createdAtKey: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+\+00$/) as string,
    };
    expect(row).toEqual(expected);
    expect(Object.keys(row!).sort()).toEqual(Object.keys(expected).sort());
    expect(await promotions.find('00000000-0000-4000-8000-000000000000')).toBeNull();
    // Locked for the transaction's length: the same row.
    expect(await pg.transactions.run((tx) => promotions.find(id, tx, true))).toEqual(expected);
  });

  it('answers targets as PromotionTargetRow, by registry name, byte counts as numbers', async () => {
    const { id, eu, us } = await store();
    const targets = await promotions.targetsOf([id]);
    const expected: PromotionTargetRow = {
      id: eu,
      promotionId: id,
      registryId: targetIds.eu,
      registry: 'prod-eu',
      repository: 'team/app',
      status: 'queued',
      bytesDone: 0,
      bytesTotal: 3000,
      blobsDone: 0,
      blobsTotal: 3,
      attempts: 0,
      run: 1,
      result: null,
      errorCode: null,
      errorMessage: null,
      startedAt: null,
      stagedAt: null,
      finishedAt: null,
      updatedAt: expect.any(Date) as Date,
    };
    expect(targets.map((t) => t.id)).toEqual([eu, us]);
    expect(targets[0]).toEqual(expected);
    expect(Object.keys(targets[0]!).sort()).toEqual(Object.keys(expected).sort());
    expect(await promotions.findTarget(eu)).toEqual(expected);
    expect(await promotions.findTarget('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('does not start a cancelled target, nor its queued promotion with it', async () => {
    const { id, eu } = await store();
    await pg.transactions.run((tx) => promotions.setTargetOutcome(eu, { status: 'cancelled' }, tx));
    expect(
      await pg.transactions.runAsOneWrite(undefined, (tx) => promotions.startTarget(eu, tx)),
    ).toBeNull();
    expect((await promotions.find(id))!).toMatchObject({ status: 'queued', startedAt: null });
  });

  it('starts a target (and its promotion), records progress, lands and settles it', async () => {
    const { id, eu } = await store();
    // As the runner calls it: every statement in one write, none waiting for another.
    const started = await pg.transactions.runAsOneWrite(undefined, (tx) =>
      promotions.startTarget(eu, tx),
    );
    expect(started!.target).toMatchObject({ id: eu, status: 'running', attempts: 1 });
    expect(started!.target.startedAt).toBeInstanceOf(Date);
    // The promotion it answers is read after the target started it.
    expect(started!.promotion).toMatchObject({ id, status: 'running' });
    expect(started!.promotion.startedAt).toBeInstanceOf(Date);
    expect((await promotions.find(id))!.status).toBe('running');

    expect(
      await promotions.recordProgress(eu, {
        bytesDone: 1500,
        bytesTotal: 3000,
        blobsDone: 1,
        blobsTotal: 3,
      }),
    ).toBe('running');
    expect(await promotions.findTarget(eu)).toMatchObject({ bytesDone: 1500, blobsDone: 1 });
    expect(await promotions.recordProgress(eu)).toBe('running');
    expect(await promotions.recordProgress('00000000-0000-4000-8000-000000000000')).toBeNull();

    await pg.transactions.run(async (tx) => {
      await promotions.setTargetOutcome(
        eu,
        { status: 'succeeded', result: { tags: ['1.0.0'] } },
        tx,
      );
      await promotions.setStatus(id, { status: 'failed', errorCode: 'X', errorMessage: 'y' }, tx);
    });
    const landed = (await promotions.findTarget(eu))!;
    expect(landed).toMatchObject({
      status: 'succeeded',
      bytesDone: 3000,
      blobsDone: 3,
      result: { tags: ['1.0.0'] },
      errorCode: null,
    });
    expect(landed.finishedAt).toBeInstanceOf(Date);
    // No result given: the stored one stays (not JSON null).
    await pg.transactions.run((tx) => promotions.setTargetOutcome(eu, { status: 'succeeded' }, tx));
    expect((await promotions.findTarget(eu))!.result).toEqual({ tags: ['1.0.0'] });
    expect(await promotions.find(id)).toMatchObject({
      status: 'failed',
      errorCode: 'X',
      errorMessage: 'y',
      finishedAt: expect.any(Date),
    });
    // A finished promotion's target does not start again.
    expect(
      await pg.transactions.runAsOneWrite(undefined, (tx) => promotions.startTarget(eu, tx)),
    ).toBeNull();
  });

  it('cancels active targets, requeues unfinished ones under a new run, bumps and touches runs', async () => {
    const { id, eu, us } = await store();
    await pg.transactions.run((tx) => promotions.cancelTargets(id, tx));
    expect((await promotions.targetsOf([id])).map((t) => t.status)).toEqual([
      'cancelled',
      'cancelled',
    ]);
    const requeued = await pg.transactions.run((tx) => promotions.requeueUnfinished(id, tx));
    expect(requeued.map((t) => [t.id, t.status, t.run, t.finishedAt])).toEqual([
      [eu, 'queued', 2, null],
      [us, 'queued', 2, null],
    ]);
    expect(await promotions.nextRun(eu)).toBe(3);
    expect(await promotions.nextRun('00000000-0000-4000-8000-000000000000')).toBeNull();
    await promotions.touchTarget(us);
    await pg.query(
      `UPDATE promotion_targets SET updated_at = now() - interval '1 hour' WHERE id = $1`,
      [eu],
    );
    const idle = await promotions.idleActiveTargets(60_000, 10);
    expect(idle.map((t) => t.id)).toContain(eu);
    expect(idle.map((t) => t.id)).not.toContain(us);
    expect(idle.find((t) => t.id === eu)).toMatchObject({ registry: 'prod-eu', run: 3 });
  });

  it('lists newest first, filtered and keyset-paged; ofImages by image', async () => {
    await pg.query(`DELETE FROM promotions`);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await store({ tags: [`v${i}`] })).id);
    const newest = [...ids].reverse();
    const all = await promotions.list({ limit: 10 });
    expect(all.map((p) => p.id)).toEqual(newest);
    const page = await promotions.list({ limit: 2 });
    expect(page.map((p) => p.id)).toEqual(newest.slice(0, 2));
    const last = page[1]!;
    const rest = await promotions.list({
      limit: 2,
      before: { createdAtKey: last.createdAtKey, id: last.id },
    });
    expect(rest.map((p) => p.id)).toEqual(newest.slice(2));
    expect(
      (await promotions.list({ limit: 10, digest: DIGEST, stage: 'prod', status: 'queued' })).map(
        (p) => p.id,
      ),
    ).toEqual(newest);
    expect(await promotions.list({ limit: 10, stage: 'nope' })).toEqual([]);
    expect(await promotions.list({ limit: 10, status: 'running' })).toEqual([]);
    expect((await promotions.ofImages([imageId], 2)).map((p) => p.id)).toEqual(newest.slice(0, 2));
    expect(await promotions.ofImages([], 2)).toEqual([]);
  });
});
