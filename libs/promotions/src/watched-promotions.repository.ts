import { Database, sql } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { PROMOTION, PROMOTION_FROM, type PromotionRow } from './promotion.repository';

/**
 * Many promotions by id in one statement: what a process's live streams watch, read once per
 * tick for all of them (`GET /api/v1/promotions/{id}/events`). Apart from PromotionRepository,
 * which is the promotion flow's.
 */
@Injectable()
export class WatchedPromotionsRepository {
  constructor(private readonly db: Database) {}

  /** The promotions with these ids that exist. */
  findMany(ids: readonly string[]): Promise<PromotionRow[]> {
    return this.db.rows<PromotionRow>(
      sql`SELECT ${PROMOTION} FROM ${PROMOTION_FROM} WHERE p.id = ANY(${ids}::uuid[])`,
    );
  }
}
