import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What promotions need beyond the initial tables:
 * - the source stage named in the request, the copy options fixed at request time (tag overwrite, referrers) and the plan shown then;
 * - per target a `run` number (each retry is a new queue job id) and the copy's result summary;
 * - tag claims: while a promotion is queued or running it holds its target tags, so a second
 *   request to put one of them on another digest is a conflict — one row per tag is the lock.
 */
export class PromotionRuns1795600000000 implements MigrationInterface {
  name = 'PromotionRuns1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE promotions
      ADD COLUMN source_stage text,
      ADD COLUMN source_tag text,
      ADD COLUMN options jsonb NOT NULL DEFAULT '{}',
      ADD COLUMN plan jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`ALTER TABLE promotion_targets
      ADD COLUMN run integer NOT NULL DEFAULT 1,
      ADD COLUMN result jsonb`);
    await q.query(`CREATE INDEX ix_promotions_created ON promotions (created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX ix_promotion_targets_promotion ON promotion_targets (promotion_id)`,
    );
    await q.query(`CREATE INDEX ix_promotion_targets_active ON promotion_targets (updated_at)
      WHERE status IN ('queued', 'running')`);
    await q.query(`CREATE TABLE promotion_tag_claims (
      registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
      repository text NOT NULL,
      tag text NOT NULL,
      digest text NOT NULL,
      promotion_id uuid NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
      claimed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (registry_id, repository, tag)
    )`);
    await q.query(
      `CREATE INDEX ix_promotion_tag_claims_promotion ON promotion_tag_claims (promotion_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS promotion_tag_claims`);
    await q.query(`DROP INDEX IF EXISTS ix_promotion_targets_active`);
    await q.query(`DROP INDEX IF EXISTS ix_promotion_targets_promotion`);
    await q.query(`DROP INDEX IF EXISTS ix_promotions_created`);
    await q.query(
      `ALTER TABLE promotion_targets DROP COLUMN IF EXISTS result, DROP COLUMN IF EXISTS run`,
    );
    await q.query(`ALTER TABLE promotions DROP COLUMN IF EXISTS plan, DROP COLUMN IF EXISTS options,
      DROP COLUMN IF EXISTS source_tag, DROP COLUMN IF EXISTS source_stage`);
  }
}
