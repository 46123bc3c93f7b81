import { AuditModule, AuditService, systemActor } from '@airlock/audit';
import {
  AdminBootstrapService,
  AuthModule,
  generateToken,
  TokensService,
  type BootstrapOutcome,
} from '@airlock/auth';
import { ConfigModule, loadConfig } from '@airlock/config';
import { PersistenceModule, TransactionRunner } from '@airlock/persistence';
import { createTestDatabase, type TestDatabase } from '@airlock/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';

/** The services over a real Postgres, many calls at once on one connection pool. */
describe('admin bootstrap and audit, concurrently against Postgres', () => {
  let db: TestDatabase;
  let app: INestApplicationContext;
  let bootstrap: AdminBootstrapService;
  let tokens: TokensService;
  let audit: AuditService;

  beforeAll(async () => {
    db = await createTestDatabase('auth_bootstrap');
    const config = loadConfig({ AIRLOCK_DATABASE_URL: db.url });
    const module = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), PersistenceModule, AuthModule, AuditModule],
    }).compile();
    app = await module.init();
    bootstrap = app.get(AdminBootstrapService);
    tokens = app.get(TokensService);
    audit = app.get(AuditService);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const kinds = (outcomes: BootstrapOutcome[]) => outcomes.map((o) => o.kind).sort();
  const activeBootstrapAdmins = async () =>
    (await tokens.list()).filter((t) => t.name === 'bootstrap-admin' && t.revokedAt === null);

  it('generates exactly one admin token when many starts race, the others see it and do nothing', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => bootstrap.ensureAdmin(undefined)),
    );
    expect(kinds(outcomes)).toEqual([
      'generated',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    const generated = outcomes.find((o) => o.kind === 'generated') as Extract<
      BootstrapOutcome,
      { kind: 'generated' }
    >;
    expect(await tokens.authenticate(generated.token)).toMatchObject({
      name: 'bootstrap-admin',
      role: 'admin',
    });
    expect(await activeBootstrapAdmins()).toHaveLength(1);
  });

  it('registers one configured token when many starts race with it, rotating the generated one', async () => {
    const configured = generateToken();
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => bootstrap.ensureAdmin(configured)),
    );
    expect(kinds(outcomes)).toEqual([
      'registered',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect(outcomes.find((o) => o.kind === 'registered')).toMatchObject({ rotated: true });
    const active = await activeBootstrapAdmins();
    expect(active).toHaveLength(1);
    expect(await tokens.authenticate(configured)).toMatchObject({ tokenId: active[0]!.id });
  });

  it("records the audit event in the caller's transaction: a rollback leaves no event", async () => {
    const transactions = app.get(TransactionRunner);
    const actor = systemActor('test');
    await expect(
      transactions.run(async (tx) => {
        await audit.record({ actor, action: 'test.rolled_back', subject: { type: 'test' } }, tx);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await transactions.run((tx) =>
      audit.record({ actor, action: 'test.committed', subject: { type: 'test' } }, tx),
    );
    expect((await audit.list({ action: 'test.rolled_back' })).items).toEqual([]);
    expect((await audit.list({ action: 'test.committed' })).items).toHaveLength(1);
  });

  it('stores before/after without secrets, whatever the caller passes', async () => {
    const recorded = await audit.record({
      actor: systemActor('test'),
      action: 'registry.created',
      subject: { type: 'registry', id: 'r1' },
      after: {
        name: 'prod-eu',
        credentials: { username: 'u', password: 'hunter2' },
        token: 'alk_x',
      },
    });
    const [stored] = (await audit.list({ subjectType: 'registry', subjectId: 'r1' })).items;
    expect(stored!.id).toBe(recorded.id);
    expect(stored!.after).toEqual({
      name: 'prod-eu',
      credentials: '[redacted]',
      token: '[redacted]',
    });
    expect(JSON.stringify(stored)).not.toContain('hunter2');
  });
});
