import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tag claim belongs to an active promotion: claims are released in the transaction that
 * settles or cancels their promotion, so the claim check (TagLedger) no longer asks whether a
 * holder's promotion is still queued or running. Claims left behind by promotions that finished
 * before claims were released on finish are deleted here; without them, every claim row is an
 * active holder's.
 */
export class TagClaimsOfActivePromotions1796310000000 implements MigrationInterface {
  name = 'TagClaimsOfActivePromotions1796310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `DELETE FROM promotion_tag_claims c
        WHERE NOT EXISTS (SELECT 1 FROM promotions p
                           WHERE p.id = c.promotion_id AND p.status IN ('queued', 'running'))`,
    );
  }

  async down(): Promise<void> {
    // Nothing to restore: a deleted claim was held by a finished promotion, which holds nothing.
  }
}
