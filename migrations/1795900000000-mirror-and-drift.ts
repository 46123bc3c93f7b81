import { canonicalImageName } from '@airlock/registry-client';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mirroring and base-image drift.
 * - `images.base_ref`: the canonical form of `base_name` (`docker.io/library/alpine:3.19` for
 *   `alpine:3.19`), so drift matches a base however the build tool spelled it, through one index.
 *   Existing rows are filled here.
 * - `mirror_runs`: how the run came about (`schedule` / `manual`), the scheduler tick it belongs to
 *   (unique per rule: one sync per tick, whatever the queue does), and the per-tag outcomes.
 * - `archived_digests`: the history of a rule's tags newest first.
 */
export class MirrorAndDrift1795900000000 implements MigrationInterface {
  name = 'MirrorAndDrift1795900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE images ADD COLUMN base_ref text`);
    const names = (await q.query(
      `SELECT DISTINCT base_name FROM images WHERE base_name IS NOT NULL`,
    )) as Array<{ base_name: string }>;
    for (const { base_name } of names) {
      const ref = canonicalImageName(base_name);
      if (ref)
        await q.query(`UPDATE images SET base_ref = $1 WHERE base_name = $2`, [ref, base_name]);
    }
    await q.query(
      `CREATE INDEX ix_images_base_ref ON images (base_ref, base_digest) WHERE base_ref IS NOT NULL`,
    );
    await q.query(
      `ALTER TABLE mirror_runs
         ADD COLUMN trigger text NOT NULL DEFAULT 'schedule' CHECK (trigger IN ('schedule', 'manual')),
         ADD COLUMN scheduled_for timestamptz,
         ADD COLUMN tags_failed integer NOT NULL DEFAULT 0,
         ADD COLUMN results jsonb NOT NULL DEFAULT '[]'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX uq_mirror_runs_tick ON mirror_runs (rule_id, scheduled_for)
        WHERE scheduled_for IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX ix_archived_digests_rule ON archived_digests (rule_id, tag, last_seen_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_archived_digests_rule`);
    await q.query(`DROP INDEX IF EXISTS uq_mirror_runs_tick`);
    await q.query(
      `ALTER TABLE mirror_runs DROP COLUMN results, DROP COLUMN tags_failed,
         DROP COLUMN scheduled_for, DROP COLUMN trigger`,
    );
    await q.query(`DROP INDEX IF EXISTS ix_images_base_ref`);
    await q.query(`ALTER TABLE images DROP COLUMN base_ref`);
  }
}
