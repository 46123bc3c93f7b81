import { sql, TransactionRunner } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { PolicyRepository, type PolicyRules } from '../src/policy.repository';

/** The rows PolicyRepository's statements answer, against real Postgres, held to their types. */
describe('PolicyRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let policies: PolicyRepository;
  let transactions: TransactionRunner;
  let stageId = '';

  const rules: PolicyRules = {
    allowedSourceStages: ['ci'],
    requiredGates: ['unit-tests', 'trivy'],
    approvalsRequired: 1,
    immutableTags: true,
    tagPattern: '\\d+',
    forbidLatest: true,
    requiredReferrers: ['application/vnd.dev.cosign.artifact.sig.v1+json'],
    requiredPlatformReferrers: [],
  };
  // What StagesService.idOf gives: the stage's id as a subquery by name.
  const byName = (name: string) => sql`(SELECT id FROM stages WHERE name = ${name})`;

  beforeAll(async () => {
    db = await createTestDatabase('policy_repository');
    pg = await connectTestPostgres(db.url);
    policies = new PolicyRepository(pg.database);
    transactions = pg.transactions;
    const [stage] = (await pg.query(
      `INSERT INTO stages (name, position) VALUES ('prod', 2) RETURNING id`,
    )) as Array<{ id: string }>;
    stageId = stage!.id;
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  it('answers a stored policy as PolicyRow, found by the stage id or a subquery naming it', async () => {
    expect(await policies.findByStage(byName('prod'))).toBeNull();
    const row = await transactions.run((tx) => policies.put(stageId, rules, tx));
    expect(row).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      targetStageId: stageId,
      ...rules,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    expect(await policies.findByStage(byName('prod'))).toEqual(row);
    expect(await policies.findByStage(sql`${stageId}::uuid`)).toEqual(row);
    expect(await policies.findByStage(byName('nowhere'))).toBeNull();
  });

  it('replaces the policy in place: same id and creation time, a later update time', async () => {
    const before = (await policies.findByStage(byName('prod')))!;
    const replaced = await transactions.run(async (tx) => {
      expect(await policies.lockByStageId(stageId, tx)).toEqual(before);
      return policies.put(
        stageId,
        { ...rules, requiredGates: ['e2e'], tagPattern: null, approvalsRequired: 0 },
        tx,
      );
    });
    expect(replaced).toMatchObject({
      id: before.id,
      createdAt: before.createdAt,
      requiredGates: ['e2e'],
      tagPattern: null,
      approvalsRequired: 0,
    });
    expect(replaced.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
  });
});
