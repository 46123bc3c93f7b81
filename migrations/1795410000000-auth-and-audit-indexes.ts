import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Authentication and the audit log: an index for every filter `GET /api/v1/audit` offers that the
 * initial schema did not cover, and at most one active `bootstrap-admin` token (the advisory lock
 * in the bootstrap already serialises processes; this makes the database say so too).
 */
export class AuthAndAuditIndexes1795410000000 implements MigrationInterface {
  name = 'AuthAndAuditIndexes1795410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_audit_events_action ON audit_events (action, id DESC)`);
    await q.query(`CREATE INDEX ix_audit_events_occurred ON audit_events (occurred_at, id)`);
    await q.query(
      `CREATE UNIQUE INDEX uq_api_tokens_active_bootstrap ON api_tokens (name)
         WHERE name = 'bootstrap-admin' AND revoked_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP INDEX IF EXISTS uq_api_tokens_active_bootstrap, ix_audit_events_occurred, ix_audit_events_action`,
    );
  }
}
