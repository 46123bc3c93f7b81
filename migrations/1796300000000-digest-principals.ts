import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gate ledger's own record of who registered a digest and who requested its promotion (what
 * four-eyes excludes), so approvals and readiness read no table of the images and promotions
 * features: those features note each principal through GatesService when they store the row.
 * Filled from what they hold already. No foreign key to api_tokens, like images.registered_by and
 * promotions.requested_by: a token's rows outlive it.
 */
export class DigestPrincipals1796300000000 implements MigrationInterface {
  name = 'DigestPrincipals1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE digest_principals (
      digest text NOT NULL CHECK (digest ~ '^sha256:[a-f0-9]{64}$'),
      principal_id uuid NOT NULL,
      role text NOT NULL CHECK (role IN ('registered', 'requested')),
      noted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (digest, role, principal_id)
    )`);
    await q.query(`INSERT INTO digest_principals (digest, principal_id, role, noted_at)
      SELECT digest, registered_by, 'registered', min(created_at) FROM images
       WHERE registered_by IS NOT NULL GROUP BY digest, registered_by
      UNION ALL
      SELECT digest, requested_by, 'requested', min(created_at) FROM promotions
       WHERE requested_by IS NOT NULL GROUP BY digest, requested_by`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS digest_principals`);
  }
}
