import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Prod integrity audit (libs/integrity, docs/integrity.md).
 * - `integrity_runs`: one audit of one registry. A scheduled run is one per tick
 *   (`uq_integrity_runs_tick`), whatever the queue delivers; a manual run has no tick.
 * - `integrity_findings`: what a run found that the ledger does not explain. A finding seen again
 *   stays one row (`last_seen_run_id` moves); `uq_integrity_findings_live` keeps one unresolved
 *   row per subject, so a subject that comes back after it was resolved is a new finding.
 * A registry's runs and findings go with it.
 */
export class IntegrityAudit1796800000000 implements MigrationInterface {
  name = 'IntegrityAudit1796800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE integrity_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
      status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
      trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
      scheduled_for timestamptz,
      repositories_checked integer NOT NULL DEFAULT 0,
      tags_checked integer NOT NULL DEFAULT 0,
      digests_checked integer NOT NULL DEFAULT 0,
      findings integer NOT NULL DEFAULT 0,
      new_findings integer NOT NULL DEFAULT 0,
      resolved_findings integer NOT NULL DEFAULT 0,
      partial boolean NOT NULL DEFAULT false,
      reason text,
      error_code text,
      error_message text,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz
    )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_integrity_runs_tick ON integrity_runs (registry_id, scheduled_for)
        WHERE scheduled_for IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX ix_integrity_runs_created ON integrity_runs (created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX ix_integrity_runs_registry ON integrity_runs (registry_id, created_at DESC, id DESC)`,
    );
    await q.query(`CREATE TABLE integrity_findings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
      repository text NOT NULL,
      tag text,
      digest text,
      artifact_type text,
      kind text NOT NULL
        CHECK (kind IN ('unexpected-tag', 'moved-tag', 'missing-digest', 'missing-referrer')),
      expected_digest text,
      actual_digest text,
      first_seen_run_id uuid NOT NULL REFERENCES integrity_runs (id) ON DELETE CASCADE,
      last_seen_run_id uuid NOT NULL REFERENCES integrity_runs (id) ON DELETE CASCADE,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'acknowledged')),
      acknowledged_by uuid,
      acknowledged_by_name text,
      acknowledged_at timestamptz,
      acknowledge_comment text,
      first_seen_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz
    )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_integrity_findings_live ON integrity_findings
         (registry_id, repository, kind, COALESCE(tag, ''), COALESCE(digest, ''), COALESCE(artifact_type, ''))
        WHERE status <> 'resolved'`,
    );
    await q.query(
      `CREATE INDEX ix_integrity_findings_status ON integrity_findings (status, registry_id, repository, kind)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS integrity_findings`);
    await q.query(`DROP TABLE IF EXISTS integrity_runs`);
  }
}
