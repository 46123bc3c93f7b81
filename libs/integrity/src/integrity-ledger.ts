import { AirlockError } from '@airlock/errors';
import { ImagesService, TagLedger } from '@airlock/images';
import { PoliciesService } from '@airlock/policies';
import { PromotionQueriesService } from '@airlock/promotions';
import { Injectable } from '@nestjs/common';
import { placeOf, type LedgerExpectation } from './integrity-comparison';

/**
 * What Airlock's ledger says one registry holds, asked of the features that own it: the tags
 * the tag ledger recorded there (written by promotions, resolved by registrations), the digests
 * images located there, and the digests succeeded promotions landed there with the referrer
 * types the stage they entered requires now (its policy's `requiredReferrers`).
 */
@Injectable()
export class IntegrityLedger {
  constructor(
    private readonly tagLedger: TagLedger,
    private readonly images: ImagesService,
    private readonly promotions: PromotionQueriesService,
    private readonly policies: PoliciesService,
  ) {}

  async expectationFor(registryId: string): Promise<LedgerExpectation> {
    const [tags, located, landed] = await Promise.all([
      this.tagLedger.inRegistry(registryId),
      this.images.locatedIn(registryId),
      this.promotions.landedIn(registryId),
    ]);
    const required = await this.requiredReferrers([...new Set(landed.map((l) => l.stage))]);
    const digests = new Map<
      string,
      { repository: string; digest: string; requiredReferrers: string[] }
    >();
    for (const { repository, digest } of located)
      digests.set(placeOf(repository, digest), { repository, digest, requiredReferrers: [] });
    for (const { repository, digest, stage } of landed) {
      const entry = digests.get(placeOf(repository, digest)) ?? {
        repository,
        digest,
        requiredReferrers: [],
      };
      entry.requiredReferrers = [
        ...new Set([...entry.requiredReferrers, ...(required.get(stage) ?? [])]),
      ];
      digests.set(placeOf(repository, digest), entry);
    }
    return { tags, digests: [...digests.values()] };
  }

  /** Per stage, its policy's required referrer types; none for a stage without a policy. */
  private async requiredReferrers(stages: string[]): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    for (const stage of stages) {
      try {
        found.set(stage, (await this.policies.forStage(stage)).requiredReferrers);
      } catch (error) {
        if (!(error instanceof AirlockError && error.code === 'NOT_FOUND')) throw error;
        found.set(stage, []);
      }
    }
    return found;
  }
}
