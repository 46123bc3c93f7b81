import { AirlockError } from '@airlock/errors';
import { ImagesService, TagLedger } from '@airlock/images';
import { PoliciesService } from '@airlock/policies';
import { PromotionQueriesService } from '@airlock/promotions';
import { Injectable } from '@nestjs/common';
import { placeOf, type ExpectedDigest, type LedgerExpectation } from './integrity-comparison';

/** What a stage's policy requires of the referrers of what enters it. */
interface StageReferrers {
  requiredReferrers: readonly string[];
  requiredPlatformReferrers: readonly string[];
}

const NONE: StageReferrers = { requiredReferrers: [], requiredPlatformReferrers: [] };

/**
 * What Airlock's ledger says one registry holds, asked of the features that own it: the tags
 * the tag ledger recorded there (written by promotions, resolved by registrations), the digests
 * images located there (with an index's platform manifests), and the digests succeeded promotions landed there with the referrer
 * types the stage they entered requires now (its policy's `requiredReferrers` and
 * `requiredPlatformReferrers`).
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
    const digests = new Map<string, ExpectedDigest>();
    const entryAt = (repository: string, digest: string): ExpectedDigest => {
      const place = placeOf(repository, digest);
      const entry = digests.get(place) ?? {
        repository,
        digest,
        childDigests: [],
        requiredReferrers: [],
        requiredPlatformReferrers: [],
      };
      digests.set(place, entry);
      return entry;
    };
    for (const { repository, digest, childDigests } of located)
      entryAt(repository, digest).childDigests = childDigests;
    for (const { repository, digest, stage } of landed) {
      const entry = entryAt(repository, digest);
      const rules = required.get(stage) ?? NONE;
      entry.requiredReferrers = union(entry.requiredReferrers, rules.requiredReferrers);
      entry.requiredPlatformReferrers = union(
        entry.requiredPlatformReferrers,
        rules.requiredPlatformReferrers,
      );
    }
    return { tags, digests: [...digests.values()] };
  }

  /** Per stage, its policy's required referrer types; none for a stage without a policy. */
  private async requiredReferrers(stages: string[]): Promise<Map<string, StageReferrers>> {
    const found = new Map<string, StageReferrers>();
    for (const stage of stages) {
      try {
        found.set(stage, await this.policies.forStage(stage));
      } catch (error) {
        if (!(error instanceof AirlockError && error.code === 'NOT_FOUND')) throw error;
        found.set(stage, NONE);
      }
    }
    return found;
  }
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
