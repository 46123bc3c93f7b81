import { LandedDigestsRepository, type LandedDigestRow } from './landed-digests.repository';
import { WatchedPromotionsRepository } from './watched-promotions.repository';
import { PromotionRepository } from './promotion.repository';
import { encodeCursor } from '@airlock/validation';
import { Injectable } from '@nestjs/common';
import { promotionNotFound, readPromotionId, readPromotionListQuery } from './promotion-rules';
import {
  toPromotionSummary,
  toPromotionView,
  type PromotionPage,
  type PromotionSummary,
  type PromotionView,
} from './promotion-view';

/** How many promotions an image's page lists: the newest. */
export const IMAGE_PROMOTIONS_LIMIT = 20;

/**
 * Reading promotions: one by id, the list, and those of some images (for the image's page).
 * Takes ids and queries as the request sent them.
 */
@Injectable()
export class PromotionQueriesService {
  constructor(
    private readonly promotions: PromotionRepository,
    private readonly landed: LandedDigestsRepository,
    private readonly watched: WatchedPromotionsRepository,
  ) {}

  async show(id: unknown): Promise<PromotionView> {
    const checked = readPromotionId(id);
    const row = await this.promotions.find(checked);
    if (!row) throw promotionNotFound(checked);
    return toPromotionView(row, await this.promotions.targetsOf([row.id]));
  }

  /** The views of the promotions with these (checked) ids; unknown ids are left out. */
  async showMany(ids: readonly string[]): Promise<PromotionView[]> {
    if (ids.length === 0) return [];
    const rows = await this.watched.findMany(ids);
    const targets = await this.promotions.targetsOf(rows.map((r) => r.id));
    return rows.map((row) => toPromotionView(row, targets));
  }

  /** Newest first, keyset-paged on (created_at, id). */
  async list(query: unknown = {}): Promise<PromotionPage> {
    const { limit, ...filters } = readPromotionListQuery(query);
    // One row more than asked tells whether another page exists without a count.
    const rows = await this.promotions.list({ ...filters, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const targets = await this.promotions.targetsOf(page.map((r) => r.id));
    const last = page[page.length - 1];
    return {
      items: page.map((row) => toPromotionView(row, targets)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAtKey, last.id) : null,
    };
  }

  /**
   * Every digest a succeeded promotion landed in this registry (by repository, with the stage it
   * entered): what the integrity audit expects to find there.
   */
  landedIn(registryId: string): Promise<LandedDigestRow[]> {
    return this.landed.landedIn(registryId);
  }

  /** The newest promotions of these images (one digest's images, by repository). */
  async ofImages(
    imageIds: readonly string[],
    limit = IMAGE_PROMOTIONS_LIMIT,
  ): Promise<PromotionSummary[]> {
    return (await this.promotions.ofImages([...imageIds], limit)).map(toPromotionSummary);
  }
}
