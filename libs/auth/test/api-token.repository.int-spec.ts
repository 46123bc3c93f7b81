import { TransactionRunner } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { createHash } from 'node:crypto';
import { ApiTokenRepository, type ApiTokenRow } from '../src/api-token.repository';

const hashOf = (token: string) => createHash('sha256').update(token).digest();

/** The rows ApiTokenRepository's statements answer, against real Postgres, held to their type. */
describe('ApiTokenRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let tokens: ApiTokenRepository;
  let transactions: TransactionRunner;
  let admin: ApiTokenRow;

  beforeAll(async () => {
    db = await createTestDatabase('api_token_repository');
    pg = await connectTestPostgres(db.url);
    tokens = new ApiTokenRepository(pg.database);
    transactions = pg.transactions;
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  const uuid = expect.stringMatching(/^[0-9a-f-]{36}$/);

  it('answers ApiTokenRow: the summary columns, never the hash', async () => {
    admin = await tokens.insert({
      name: 'bootstrap-admin',
      role: 'admin',
      tokenHash: hashOf('alk_admin'),
      tokenPrefix: 'alk_admin',
      createdBy: null,
    });
    expect(admin).toEqual({
      id: uuid,
      name: 'bootstrap-admin',
      role: 'admin',
      tokenPrefix: 'alk_admin',
      createdBy: null,
      createdAt: expect.any(Date),
      lastUsedAt: null,
      revokedAt: null,
    });
    const ci = await tokens.insert({
      name: 'jenkins',
      role: 'ci',
      tokenHash: hashOf('alk_ci'),
      tokenPrefix: 'alk_ci',
      createdBy: admin.id,
    });
    expect(ci).toMatchObject({ role: 'ci', createdBy: admin.id });
    expect(await tokens.findByHash(hashOf('alk_ci'))).toEqual(ci);
    expect(await tokens.findByHash(hashOf('alk_unknown'))).toBeNull();
    expect(await tokens.findById(admin.id)).toEqual(admin);
    expect(await tokens.findActiveByName('bootstrap-admin')).toEqual(admin);
    expect((await tokens.list()).map((t) => t.name)).toEqual(['bootstrap-admin', 'jenkins']);
  });

  it('writes last_used_at at most once a minute', async () => {
    await tokens.touchLastUsed(admin.id);
    const used = (await tokens.findById(admin.id))!.lastUsedAt;
    expect(used).toBeInstanceOf(Date);
    await pg.query(
      `UPDATE api_tokens SET last_used_at = now() - interval '30 seconds' WHERE id = $1`,
      [admin.id],
    );
    const recent = (await tokens.findById(admin.id))!.lastUsedAt!;
    await tokens.touchLastUsed(admin.id);
    expect((await tokens.findById(admin.id))!.lastUsedAt).toEqual(recent);
  });

  it('locks the active admins and revokes once, answering the revoked row', async () => {
    await transactions.run(async (tx) => {
      expect((await tokens.lockActiveAdmins(tx)).map((t) => t.id)).toEqual([admin.id]);
      const revoked = await tokens.markRevoked(admin.id, tx);
      expect(revoked).toEqual({
        ...admin,
        lastUsedAt: expect.any(Date),
        revokedAt: expect.any(Date),
      });
      expect(await tokens.markRevoked(admin.id, tx)).toBeNull();
      expect(await tokens.lockActiveAdmins(tx)).toEqual([]);
    });
    expect(await tokens.findActiveByName('bootstrap-admin')).toBeNull();
  });
});
