import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A `missing-referrer` finding can be about one platform manifest of a promoted index (the
 * stage's `requiredPlatformReferrers`): `platform` (`os/architecture[/variant]`) and
 * `platform_digest` name it, and the live unique index tells the platforms of one index apart.
 */
export class IntegrityPlatformFindings1796900000000 implements MigrationInterface {
  name = 'IntegrityPlatformFindings1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE integrity_findings ADD COLUMN platform text, ADD COLUMN platform_digest text`,
    );
    await q.query(`DROP INDEX uq_integrity_findings_live`);
    await q.query(
      `CREATE UNIQUE INDEX uq_integrity_findings_live ON integrity_findings
         (registry_id, repository, kind, COALESCE(tag, ''), COALESCE(digest, ''),
          COALESCE(artifact_type, ''), COALESCE(platform_digest, ''))
        WHERE status <> 'resolved'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM integrity_findings WHERE platform_digest IS NOT NULL`);
    await q.query(`DROP INDEX uq_integrity_findings_live`);
    await q.query(
      `CREATE UNIQUE INDEX uq_integrity_findings_live ON integrity_findings
         (registry_id, repository, kind, COALESCE(tag, ''), COALESCE(digest, ''), COALESCE(artifact_type, ''))
        WHERE status <> 'resolved'`,
    );
    await q.query(
      `ALTER TABLE integrity_findings DROP COLUMN platform, DROP COLUMN platform_digest`,
    );
  }
}
