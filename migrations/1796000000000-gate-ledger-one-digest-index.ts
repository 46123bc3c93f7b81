import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gate recording is the hot write path, and every digest index takes a random insert (and, after
 * each checkpoint, a full-page image in the WAL) per result. `ix_gate_results_digest (digest, id)`
 * only served the all-gates history of a digest, which `ix_gate_results_digest_gate (digest, gate,
 * id)` serves as well: one walk of the digest's results and a top-N sort (0.1–0.4 ms for a digest
 * with 160 results in the 1,000,000-result bench database; a digest has tens of results, and a
 * page of a digest with 10,000 would sort in a few ms). One index per digest instead of two.
 */
export class GateLedgerOneDigestIndex1796000000000 implements MigrationInterface {
  name = 'GateLedgerOneDigestIndex1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_gate_results_digest`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS ix_gate_results_digest ON gate_results (digest, id DESC)`,
    );
  }
}
