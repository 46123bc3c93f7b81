import { CopyEngine, mapLimit, putTags, tagsToWrite } from '@airlock/copy';
import { errorSummary, type AirlockError } from '@airlock/errors';
import { withLogContext } from '@airlock/observability';
import { settleAll, TransactionRunner, type Transaction } from '@airlock/persistence';
import { isPermanentFailure } from '@airlock/queue';
import { RegistriesService, RegistryClientFactory, type Registry } from '@airlock/registries';
import type { OciRegistry } from '@airlock/registry-client';
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

/** Item × target registry pairs prepared, then tagged, at once at the commit. */
const AT_ONCE = 8;

/** A release item with its targets (one per target registry). */
interface ItemTargets {
  item: PromotionRow;
  targets: PromotionTargetRow[];
}

/** An item ready to be tagged in one target registry: the tags its check left to write. */
interface PreparedTags {
  item: PromotionRow;
  target: PromotionTargetRow;
  source: OciRegistry;
  destination: OciRegistry;
  pending: string[];
}

export type CommitOutcome = 'succeeded' | 'skipped';

/**
 * A release's commit point, run as the `release` job once every target of every item is staged,
 * in two passes over every item in every target registry: first its referrers (signatures,
 * SBOMs: the staged copies moved the images alone, so the source's referrers are read once, now
 * — the copy engine's own path for an image the target already holds) and the check of its tags,
 * so a tag another digest took meanwhile refuses the commit before any tag of the release is
 * written; then its tags, each noted in `tagsLanded`. Then one transaction records every landing
 * — targets succeeded, locations, tag ledger, each item settled — and the release succeeded.
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
      const byItem = itemsWithTargets(items, targets);
      const landings = byItem.flatMap(({ item, targets: mine }) =>
        mine.map((target) => ({ item, target })),
      );
      try {
        // Every item's referrers carried and its tags checked before any tag is written: a tag
        // another digest took meanwhile refuses the commit while Prod shows none of the release.
        // A few at once (each a handful of requests); after a failure no new one starts.
        const prepared = await mapLimit(landings, AT_ONCE, (landing) =>
          this.prepare(landing, registries),
        );
        await mapLimit(prepared, AT_ONCE, (ready) => this.writeTags(releaseId, ready));
      } catch (error) {
        await this.failed(releaseId, error, context.finalAttempt || isPermanentFailure(error));
        throw error;
      }
      await this.transactions.run((tx) => this.land(releaseId, byItem, registries, tx));
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
   * One item in one target registry before any tag is written: its referrers carried (its copy
   * landed when it was staged, verified then, so the root is not asked for again), and its tags
   * checked — answers those still to write (TAG_CONFLICT where another digest holds one).
   */
  private async prepare(
    { item, target }: { item: PromotionRow; target: PromotionTargetRow },
    registries: Map<string, Registry>,
  ): Promise<PreparedTags> {
    const source = this.clients.readsFor(registries.get(item.sourceRegistry)!);
    const destination = this.clients.clientFor(registries.get(target.registry)!);
    await this.engine.copy({
      source: { registry: source, repository: item.sourceRepository, digest: item.digest },
      target: { registry: destination, repository: target.repository },
      options: { referrers: true, rootPresent: true },
    });
    const options = item.options as unknown as PromotionOptions;
    const pending = await tagsToWrite(
      destination,
      target.repository,
      item.tags,
      item.digest,
      options.allowTagOverwrite ?? false,
    );
    return { item, target, source, destination, pending };
  }

  /**
   * The checked tags written, with the bytes the item's copy read from the source (kept a
   * minute by RecentManifests), and noted in `tagsLanded`.
   */
  private async writeTags(
    releaseId: string,
    { item, target, source, destination, pending }: PreparedTags,
  ): Promise<void> {
    if (pending.length > 0) {
      const manifest = await source.getManifest(item.sourceRepository, item.digest);
      await putTags(destination, target.repository, pending, manifest);
    }
    if (item.tags.length === 0) return;
    await this.releases.addLandedTags(
      releaseId,
      item.tags.map((tag) => ({ registry: target.registry, repository: target.repository, tag })),
    );
  }

  private async land(
    releaseId: string,
    byItem: ItemTargets[],
    registries: Map<string, Registry>,
    tx: Transaction,
  ): Promise<void> {
    if ((await this.settlement.lock(releaseId, tx)) !== 'committing') return;
    // Every item at once: their statements leave together, so the commit waits on Postgres a few
    // times in all rather than a few times per item (60 items: ~480 round trips one after another).
    await settleAll(
      byItem.map(({ item, targets }) => {
        const landed = targets.map((target) => ({
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
        { status: 'failed', errorCode: code, errorMessage: failureMessage(code, message, landed) },
        RELEASE_WORKER,
        tx,
      );
    });
  }
}

/**
 * Why the commit failed and what a retry does. A tag found naming another digest refuses the
 * commit before any tag is written, and a retry meets the same tag until someone removes or moves
 * it; any other failure may leave some tags written, and a retry writes the rest.
 */
function failureMessage(code: string, message: string, landed: number): string {
  if (code === 'TAG_CONFLICT' && landed === 0)
    return `The release's tags were not written: ${message}. No tag of any item landed; a retry is refused the same way until that tag is removed from the target or names the release's digest`;
  return `Writing the release's tags failed after ${landed} of them landed (see tagsLanded); retry the release to write the rest: ${message}`;
}

/** Each item with its own targets, in the items' order. */
function itemsWithTargets(items: PromotionRow[], targets: PromotionTargetRow[]): ItemTargets[] {
  const byPromotion = new Map<string, PromotionTargetRow[]>();
  for (const target of targets) {
    const mine = byPromotion.get(target.promotionId);
    if (mine) mine.push(target);
    else byPromotion.set(target.promotionId, [target]);
  }
  return items.map((item) => ({ item, targets: byPromotion.get(item.id) ?? [] }));
}
