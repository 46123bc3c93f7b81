import { constraintViolationOf, TransactionRunner } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { StageRepository } from '../src/stage.repository';

/** The rows StageRepository's statements answer, against real Postgres, held to their types. */
describe('StageRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let stages: StageRepository;
  let transactions: TransactionRunner;
  const registryIds: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase('stage_repository');
    pg = await connectTestPostgres(db.url);
    stages = new StageRepository(pg.database);
    transactions = pg.transactions;
    for (const name of ['prod-us', 'prod-eu']) {
      const [row] = (await pg.query(
        `INSERT INTO registries (name, url, role) VALUES ($1, 'http://127.0.0.1:1', 'prod') RETURNING id`,
        [name],
      )) as Array<{ id: string }>;
      registryIds[name] = row!.id;
    }
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  it('answers stage rows as StageRow: id, name, position, createdAt', async () => {
    const inserted = await stages.insert({ name: 'prod', position: 2 });
    expect(inserted).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'prod',
      position: 2,
      createdAt: expect.any(Date),
    });
    expect(await stages.findByName('prod')).toEqual(inserted);
    expect(await stages.findByName('nope')).toBeNull();
    await stages.insert({ name: 'ci', position: 1 });
    await stages.insert({ name: 'audit', position: 2 });
    expect((await stages.list()).map((s) => s.name)).toEqual(['ci', 'audit', 'prod']);
    await stages.setPosition(inserted.id, 0);
    expect((await stages.findByName('prod'))!.position).toBe(0);
  });

  it('answers members as StageMemberRow, by registry name, replaced whole', async () => {
    const prod = (await stages.findByName('prod'))!;
    await transactions.run((tx) =>
      stages.setMembers(prod.id, [registryIds['prod-us']!, registryIds['prod-eu']!], tx),
    );
    expect(await stages.members([prod.id])).toEqual([
      { stageId: prod.id, registryId: registryIds['prod-eu'], registryName: 'prod-eu' },
      { stageId: prod.id, registryId: registryIds['prod-us'], registryName: 'prod-us' },
    ]);
    await transactions.run((tx) => stages.setMembers(prod.id, [registryIds['prod-us']!], tx));
    expect((await stages.members([prod.id])).map((m) => m.registryName)).toEqual(['prod-us']);
    expect(await stages.members([])).toEqual([]);
  });

  it('reads stages and their members by name, without their ids', async () => {
    const prod = (await stages.findByName('prod'))!;
    const ci = (await stages.findByName('ci'))!;
    await transactions.run((tx) => stages.setMembers(prod.id, [registryIds['prod-eu']!], tx));
    const found = await stages.findByNames(['prod', 'ci', 'nope']);
    expect(found.map((s) => s.name).sort()).toEqual(['ci', 'prod']);
    expect(found.find((s) => s.name === 'prod')).toEqual(prod);
    const members = await stages.membersByStageNames(['prod', 'ci', 'nope']);
    expect(members).toEqual(await stages.members([prod.id, ci.id]));
    expect(members).toContainEqual({
      stageId: prod.id,
      registryId: registryIds['prod-eu'],
      registryName: 'prod-eu',
    });
    expect(await stages.membersByStageNames(['nope'])).toEqual([]);
  });

  it('reports a delete that promotions block as a foreign-key violation', async () => {
    const ci = (await stages.findByName('ci'))!;
    await pg.query(
      `INSERT INTO images (repository, digest, media_type, size) VALUES ('a', 'sha256:${'a'.repeat(64)}', 'x', 1)`,
    );
    await pg.query(
      `INSERT INTO promotions (image_id, digest, source_registry_id, source_repository, target_stage_id, tags, status)
       SELECT i.id, i.digest, $1, 'a', $2, '{}', 'queued' FROM images i`,
      [registryIds['prod-us'], ci.id],
    );
    const error = await stages.delete(ci.id).catch((e: unknown) => e);
    expect(constraintViolationOf(error)).toMatchObject({ kind: 'foreignKey', table: 'promotions' });
    await stages.delete((await stages.findByName('audit'))!.id);
    expect(await stages.findByName('audit')).toBeNull();
  });
});
