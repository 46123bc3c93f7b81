import { ImagesService, type ImageLookup } from '@airlock/images';
import { PromotionQueriesService, type PromotionSummary } from '@airlock/promotions';
import { Injectable } from '@nestjs/common';

/** `GET /api/v1/images/{digest}`: what images know about the digest, and its promotions. */
export interface ImageLookupPage extends ImageLookup {
  /** The newest promotions of these images, newest first. */
  promotions: PromotionSummary[];
}

/**
 * The image's page is two features' answers side by side: images (the images, their locations,
 * tags and gate ledger) and promotions (those of these images); neither reads the other's rows.
 */
@Injectable()
export class ImageLookupComposer {
  constructor(
    private readonly images: ImagesService,
    private readonly promotions: PromotionQueriesService,
  ) {}

  /** `digest` and `query` as the request sent them (ImagesService reads them). */
  async lookup(digest: unknown, query: unknown): Promise<ImageLookupPage> {
    const lookup = await this.images.lookup(digest, query);
    const promotions = await this.promotions.ofImages(lookup.items.map((item) => item.id));
    return { ...lookup, promotions };
  }
}
