import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The child manifests of an index, by digest. Build tools record a base image by the digest of the
 * platform manifest they built on as often as by the index's; drift counts either as "built on the
 * current base". Rows registered before this migration have none (their bases compare by the
 * index digest alone, as before).
 */
export class ImageChildManifests1796100000000 implements MigrationInterface {
  name = 'ImageChildManifests1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE images ADD COLUMN child_digests text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE images DROP COLUMN IF EXISTS child_digests`);
  }
}
