import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /api/v1/images?repository=…` pages newest first within one repository. Without this index
 * Postgres reads every image of the repository (uq_images_repository_digest) and sorts them for
 * each page; with it a page is `limit` rows of one index walk, keyset cursor included, however
 * many images the repository holds.
 * Four-eyes looks up who requested promotions of a digest on every readiness query and promotion
 * request: `promotions (digest)` keeps that one index probe as promotions pile up.
 */
export class ImageListByRepository1795700000000 implements MigrationInterface {
  name = 'ImageListByRepository1795700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX ix_images_repository_created ON images (repository, created_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX ix_promotions_digest ON promotions (digest)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_promotions_digest`);
    await q.query(`DROP INDEX IF EXISTS ix_images_repository_created`);
  }
}
