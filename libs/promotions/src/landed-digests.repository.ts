import { Database, sql } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';

/** A digest a promotion landed in a registry: the repository and the stage it entered. */
export interface LandedDigestRow {
  repository: string;
  digest: string;
  stage: string;
}

/**
 * What succeeded promotion targets landed where: one statement over the promotion tables, kept
 * apart from PromotionRepository (the integrity audit's question, not the promotion flow's).
 */
@Injectable()
export class LandedDigestsRepository {
  constructor(private readonly db: Database) {}

  /** Each (repository, digest, target stage) a succeeded target landed in this registry. */
  landedIn(registryId: string): Promise<LandedDigestRow[]> {
    return this.db.rows<LandedDigestRow>(
      sql`SELECT DISTINCT t.repository, p.digest, st.name AS stage
            FROM promotion_targets t
            JOIN promotions p ON p.id = t.promotion_id
            JOIN stages st ON st.id = p.target_stage_id
           WHERE t.registry_id = ${registryId} AND t.status = 'succeeded'
           ORDER BY t.repository, p.digest`,
    );
  }
}
