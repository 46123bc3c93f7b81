import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Releases: several images promoted as one unit (libs/promotions/src/releases). Each item is an
 * ordinary promotion that belongs to its release (`promotions.release_id`, at its place in the
 * request: `release_index`); its targets copy
 * blobs, manifests and referrers, then wait staged (`promotion_targets.staged_at`) until every
 * target of every item is staged, and only then does the release write the tags — its commit
 * point. `tags_landed` lists the tags written so far, so a commit that fails halfway says which.
 */
export class Releases1796500000000 implements MigrationInterface {
  name = 'Releases1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE releases (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text,
      source_stage text NOT NULL,
      target_stage_id uuid NOT NULL REFERENCES stages (id) ON DELETE RESTRICT,
      status text NOT NULL
        CHECK (status IN ('running', 'committing', 'succeeded', 'failed', 'cancelled')),
      run integer NOT NULL DEFAULT 1,
      requested_by uuid,
      tags_landed jsonb NOT NULL DEFAULT '[]',
      error_code text,
      error_message text,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX ix_releases_created ON releases (created_at DESC, id DESC)`);
    await q.query(
      `ALTER TABLE promotions ADD COLUMN release_id uuid REFERENCES releases (id) ON DELETE RESTRICT,
         ADD COLUMN release_index integer,
         ADD CONSTRAINT promotions_release_index CHECK ((release_id IS NULL) = (release_index IS NULL))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX ix_promotions_release ON promotions (release_id, release_index)
         WHERE release_id IS NOT NULL`,
    );
    await q.query(`ALTER TABLE promotion_targets ADD COLUMN staged_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE promotion_targets DROP COLUMN IF EXISTS staged_at`);
    await q.query(
      `ALTER TABLE promotions DROP COLUMN IF EXISTS release_index, DROP COLUMN IF EXISTS release_id`,
    );
    await q.query(`DROP TABLE IF EXISTS releases`);
  }
}
