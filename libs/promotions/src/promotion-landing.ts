import { ImagesService, TagLedger } from '@airlock/images';
import { settleAll, type Transaction } from '@airlock/persistence';
import type { Registry } from '@airlock/registries';
import { Injectable } from '@nestjs/common';
import {
  PromotionRepository,
  type PromotionRow,
  type PromotionTargetRow,
} from './promotion.repository';
import { PromotionTransitions } from './promotion-transitions';

/** One target of a promotion that landed: where, the digest it holds, what the copy reported. */
export interface LandedTarget {
  target: PromotionTargetRow;
  registry: Registry;
  digest: string;
  result: Record<string, unknown>;
}

/**
 * Records a promotion's targets as landed, in the caller's transaction — a single promotion's
 * copy (PromotionRunner) and every item of a release at its commit (ReleaseCommitter) alike:
 * the promotion's row locked, each target succeeded with its result, the image's new location
 * and its tags in the ledger, all issued together (they leave in one write; Postgres takes the
 * lock first), then the promotion settled.
 */
@Injectable()
export class PromotionLanding {
  constructor(
    private readonly promotions: PromotionRepository,
    private readonly images: ImagesService,
    private readonly tagLedger: TagLedger,
    private readonly transitions: PromotionTransitions,
  ) {}

  async land(
    promotion: Pick<PromotionRow, 'id' | 'imageId' | 'tags'>,
    landed: LandedTarget[],
    tx: Transaction,
  ): Promise<void> {
    await settleAll([
      this.promotions.lock(promotion.id, tx),
      ...landed.flatMap(({ target, registry, digest, result }) => [
        this.promotions.setTargetOutcome(target.id, { status: 'succeeded', result }, tx),
        this.images.recordLocation(promotion.imageId, target.registryId, target.repository, tx),
        // A promoted image can be a base too (a company base image promoted into prod): when a
        // tag moved and images are built FROM it, base-image.updated names them.
        this.tagLedger.record(
          { registry, repository: target.repository },
          promotion.tags,
          digest,
          tx,
        ),
      ]),
    ]);
    await this.transitions.settle(promotion.id, tx);
  }
}
