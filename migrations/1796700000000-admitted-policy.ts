import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The stage policy's rules as they admitted a promotion (`promotions.admitted_policy`), kept with
 * the evidence: the signed attestation of the promotion states the policy that was applied, not
 * the one in force when the copy landed. Null for promotions made before.
 */
export class AdmittedPolicy1796700000000 implements MigrationInterface {
  name = 'AdmittedPolicy1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE promotions ADD COLUMN admitted_policy jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE promotions DROP COLUMN IF EXISTS admitted_policy`);
  }
}
