import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A policy can require referrers of every platform manifest of an index (cosign and notation
 * sign each one), not only of the digest promoted. Existing policies require none.
 */
export class PolicyPlatformReferrers1796200000000 implements MigrationInterface {
  name = 'PolicyPlatformReferrers1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE policies ADD COLUMN required_platform_referrers text[] NOT NULL DEFAULT '{}'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE policies DROP COLUMN IF EXISTS required_platform_referrers`);
  }
}
