import { CopyEngine, mapLimit } from '@airlock/copy';
import { errorSummary, type AirlockError } from '@airlock/errors';
import { withLogContext } from '@airlock/observability';
import { settleAll, TransactionRunner, type Transaction } from '@airlock/persistence';
import { isPermanentFailure } from '@airlock/queue';
import { RegistriesService, RegistryClientFactory, type Registry } from '@airlock/registries';
import { Injectable, Logger } from '@nestjs/common';
import type { PromotionOptions } from '../promotion-intake.service';
import { PromotionLanding } from '../promotion-landing';
import {
  PromotionRepository,
  type PromotionRow,
  type PromotionTargetRow,
} from '../promotion.repository';
import { RELEASE_WORKER, ReleaseSettlement } from './release-settlement';
import { ReleaseRepository } from './release.repository';

/** Items finished (referrers, tags) at once at the commit. */
const TAGGED_AT_ONCE = 8;

export type CommitOutcome = 'succeeded' | 'skipped';

/**
 * A release's commit point, run as the `release` job once every target of every item is staged:
 * carries each item's referrers (signatures, SBOMs: the staged copies moved the images alone, so
 * the source's referrers are read once, now) and writes its tags, in each target registry — the
 * copy engine's own path for an image the target already holds — noting every tag written in
 * `tagsLanded`; then in one transaction records every landing — targets succeeded, locations,
 * tag ledger, each item settled — and the release succeeded.
 *
 * A tag write that fails is retried by the queue (tags written before are written again, which
 * changes nothing); after the last attempt the release fails with `tagsLanded` saying which tags
 * made it, and retrying the release runs the commit again.
 */
@Injectable()
export class ReleaseCommitter {
  private readonly logger = new Logger(ReleaseCommitter.name);

  constructor(
    private readonly releases: ReleaseRepository,
    private readonly settlement: ReleaseSettlement,
    private readonly promotions: PromotionRepository,
    private readonly landing: PromotionLanding,
    private readonly registries: RegistriesService,
    private readonly clients: RegistryClientFactory,
    private readonly engine: CopyEngine,
    private readonly transactions: TransactionRunner,
  ) {}

  async commit(releaseId: string, context: { finalAttempt: boolean }): Promise<CommitOutcome> {
    const release = await this.releases.find(releaseId);
    if (release?.status !== 'committing') return 'skipped';
    return withLogContext({ releaseId }, async (): Promise<CommitOutcome> => {
      const items = await this.promotions.ofRelease(releaseId);
      const targets = await this.promotions.targetsOf(items.map((item) => item.id));
      const registries = await this.registriesOf(items, targets);
      try {
        // A few items at once (each a handful of requests to every target registry);
        // after a failure no new item starts, and the ones writing finish first.
        await mapLimit(items, TAGGED_AT_ONCE, (item) =>
          Promise.all(
            targets
              .filter((t) => t.promotionId === item.id)
              .map((target) => this.finish(releaseId, item, target, registries)),
          ),
        );
      } catch (error) {
        await this.failed(releaseId, error, context.finalAttempt || isPermanentFailure(error));
        throw error;
      }
      await this.transactions.run((tx) => this.land(releaseId, items, targets, registries, tx));
      this.logger.log(`release ${releaseId}: ${items.length} items committed, tags written`);
      return 'succeeded';
    });
  }

  /** The queue gave up on the commit job while the release still shows committing. */
  async failLost(releaseId: string, error: AirlockError): Promise<void> {
    const release = await this.releases.find(releaseId);
    if (release?.status === 'committing') await this.failed(releaseId, error, true);
  }

  /** Every registry the items come from and land in, read once. */
  private async registriesOf(
    items: PromotionRow[],
    targets: PromotionTargetRow[],
  ): Promise<Map<string, Registry>> {
    const names = [...items.map((i) => i.sourceRegistry), ...targets.map((t) => t.registry)];
    const found = await this.registries.requireMany([...new Set(names)]);
    return new Map(found.map((registry) => [registry.name, registry]));
  }

  /**
   * The item's referrers, then its tags, in one target registry. Its copy landed there when it
   * was staged (verified then), so the root is not asked for again; the tags are written with
   * the bytes its copy read from the source (RecentManifests keeps them a minute).
   */
  private async finish(
    releaseId: string,
    item: PromotionRow,
    target: PromotionTargetRow,
    registries: Map<string, Registry>,
  ): Promise<void> {
    const options = item.options as unknown as PromotionOptions;
    await this.engine.copy({
      source: {
        registry: this.clients.readsFor(registries.get(item.sourceRegistry)!),
        repository: item.sourceRepository,
        digest: item.digest,
      },
      target: {
        registry: this.clients.clientFor(registries.get(target.registry)!),
        repository: target.repository,
        tags: item.tags,
      },
      options: {
        referrers: true,
        allowTagOverwrite: options.allowTagOverwrite ?? false,
        rootPresent: true,
      },
    });
    if (item.tags.length === 0) return;
    await this.releases.addLandedTags(
      releaseId,
      item.tags.map((tag) => ({ registry: target.registry, repository: target.repository, tag })),
    );
  }

  private async land(
    releaseId: string,
    items: PromotionRow[],
    targets: PromotionTargetRow[],
    registries: Map<string, Registry>,
    tx: Transaction,
  ): Promise<void> {
    if ((await this.settlement.lock(releaseId, tx)) !== 'committing') return;
    // Every item at once: their statements leave together, so the commit waits on Postgres a few
    // times in all rather than a few times per item (60 items: ~480 round trips one after another).
    await settleAll(
      items.map((item) => {
        const landed = targets
          .filter((t) => t.promotionId === item.id)
          .map((target) => ({
            target,
            registry: registries.get(target.registry)!,
            digest: item.digest,
            result: { ...target.result, tags: item.tags },
          }));
        return this.landing.land(item, landed, tx);
      }),
    );
    await this.settlement.end(releaseId, { status: 'succeeded' }, RELEASE_WORKER, tx);
  }

  private async failed(releaseId: string, error: unknown, final: boolean): Promise<void> {
    const { code, message } = errorSummary(error);
    this.logger.warn(
      `release ${releaseId}: writing its tags failed${final ? '' : ' (will retry)'}: ${code}: ${message}`,
    );
    if (!final) return;
    await this.transactions.run(async (tx) => {
      if ((await this.settlement.lock(releaseId, tx)) !== 'committing') return;
      const landed = (await this.releases.find(releaseId, tx))!.tagsLanded.length;
      await this.settlement.end(
        releaseId,
        {
          status: 'failed',
          errorCode: code,
          errorMessage: `Writing the release's tags failed after ${landed} of them landed (see tagsLanded); retry the release to write the rest: ${message}`,
        },
        RELEASE_WORKER,
        tx,
      );
    });
  }
}
