import { MIGRATIONS } from '@airlock/migrations';
import { TransactionRunner } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { DigestPrincipalRepository } from '../src/digest-principal.repository';
import type { QueryRunner } from 'typeorm';

/** The rows DigestPrincipalRepository's statements answer, and the migration that fills the table. */
describe('DigestPrincipalRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let principals: DigestPrincipalRepository;
  let transactions: TransactionRunner;
  const digest = `sha256:${'ef'.repeat(32)}`;
  const [alice, bob] = [
    '3f0c4a52-7d5e-4b4b-9e7a-2b4f0a1c9d11',
    '6a1d2c3b-0e4f-4a5b-8c7d-9e0f1a2b3c4d',
  ];

  beforeAll(async () => {
    db = await createTestDatabase('digest_principal_repository');
    pg = await connectTestPostgres(db.url);
    principals = new DigestPrincipalRepository(pg.database);
    transactions = pg.transactions;
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  it('notes each principal once per digest and role, and answers DigestPrincipalRow', async () => {
    await transactions.run(async (tx) => {
      await principals.note(digest, alice, 'registered', tx);
      await principals.note(digest, alice, 'registered', tx);
      await principals.note(digest, alice, 'requested', tx);
      await principals.note(digest, bob, 'requested', tx);
    });
    expect(await principals.of([digest])).toEqual([
      { digest, principalId: alice, role: 'registered', notedAt: expect.any(Date) },
      { digest, principalId: alice, role: 'requested', notedAt: expect.any(Date) },
      { digest, principalId: bob, role: 'requested', notedAt: expect.any(Date) },
    ]);
    expect(await principals.of([`sha256:${'00'.repeat(32)}`])).toEqual([]);
  });

  it('is filled by its migration from images.registered_by and promotions.requested_by', async () => {
    const other = `sha256:${'12'.repeat(32)}`;
    await pg.query(`DROP TABLE digest_principals`);
    const [image] = (await pg.query(
      `INSERT INTO images (repository, digest, media_type, size, registered_by)
       VALUES ('a', $1, 'x', 1, $2), ('b', $1, 'x', 1, $2), ('c', $1, 'x', 1, NULL) RETURNING id`,
      [other, alice],
    )) as Array<{ id: string }>;
    const [registry] = (await pg.query(
      `INSERT INTO registries (name, url, role) VALUES ('r', 'http://127.0.0.1:1', 'ci') RETURNING id`,
    )) as Array<{ id: string }>;
    const [stage] = (await pg.query(
      `INSERT INTO stages (name, position) VALUES ('prod', 1) RETURNING id`,
    )) as Array<{ id: string }>;
    await pg.query(
      `INSERT INTO promotions (image_id, digest, source_registry_id, source_repository, target_stage_id, status, requested_by)
       VALUES ($1, $2, $3, 'a', $4, 'queued', $5), ($1, $2, $3, 'a', $4, 'failed', $5)`,
      [image!.id, other, registry!.id, stage!.id, bob],
    );
    const migration = MIGRATIONS.find((m) => m.name === 'DigestPrincipals1796300000000')!;
    await new migration().up(migrationRunner(pg));
    expect((await principals.of([other])).map((p) => [p.principalId, p.role])).toEqual([
      [alice, 'registered'],
      [bob, 'requested'],
    ]);
  });
});

/** A migration's `up` uses only `query`: run it again over the test's pool, without TypeORM. */
function migrationRunner(pg: TestPostgres): QueryRunner {
  const query = async (text: string, params?: unknown[]) =>
    (await pg.pool.query(text, params)).rows;
  return { query } as unknown as QueryRunner;
}
