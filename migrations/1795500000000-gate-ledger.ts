import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gate ledger: who recorded a result by name as well as token id (a token can be revoked and
 * renamed tokens are new tokens, so the name at the time is kept), and an index for the history of
 * a digest across all its gates (keyset-paged on id); `ix_gate_results_digest_gate` already serves
 * the per-gate history and the newest-per-gate walk.
 */
export class GateLedger1795500000000 implements MigrationInterface {
  name = 'GateLedger1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gate_results ADD COLUMN recorded_by_name text`);
    await q.query(`CREATE INDEX ix_gate_results_digest ON gate_results (digest, id DESC)`);
    // Four-eyes: each approver's newest approval per approval gate of a digest.
    await q.query(
      `CREATE INDEX ix_gate_results_approvals ON gate_results (digest, gate, recorded_by, id DESC) WHERE is_approval`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_gate_results_approvals, ix_gate_results_digest`);
    await q.query(`ALTER TABLE gate_results DROP COLUMN IF EXISTS recorded_by_name`);
  }
}
