import { AuditService, systemActor, type AuditActor } from '@airlock/audit';
import { EventsService } from '@airlock/events';
import { settleAll, type Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { isActive } from '../promotion-state';
import { PromotionTransitions } from '../promotion-transitions';
import type { QueuedTarget } from '../promotion-jobs';
import type { PromotionTargetView } from '../promotion-view';
import { PromotionRepository } from '../promotion.repository';
import { ReleaseQueries } from './release-queries';
import { ReleaseRepository, type ReleaseOutcome, type ReleaseStatus } from './release.repository';

export const RELEASE_WORKER = systemActor('release-worker');

/**
 * The release's side of its items' transitions, each in the caller's transaction with the
 * release row locked first (then, inside, each promotion's: always in that order). A staged
 * target may be the last one: then the release starts committing. An item that fails (or its
 * target, finally) fails the release: its other items are cancelled, and as no tag is written
 * before the commit, none of the release's tags exists anywhere.
 */
@Injectable()
export class ReleaseSettlement {
  constructor(
    private readonly releases: ReleaseRepository,
    private readonly promotions: PromotionRepository,
    private readonly transitions: PromotionTransitions,
    private readonly queries: ReleaseQueries,
    private readonly audit: AuditService,
    private readonly events: EventsService,
  ) {}

  /** Locks the release row for the rest of `tx` (before any of its promotions' rows). */
  async lock(releaseId: string, tx: Transaction): Promise<ReleaseStatus | null> {
    return (await this.releases.find(releaseId, tx, true))?.status ?? null;
  }

  /**
   * Records a target's landed copy (no tags yet). Answers the run of the commit job to enqueue
   * when it was the release's last target to land, null otherwise.
   */
  async staged(
    releaseId: string,
    targetId: string,
    result: Record<string, unknown>,
    tx: Transaction,
  ): Promise<number | null> {
    // Issued together (one write; Postgres runs them in order, the lock first): the count sees
    // this target staged, and the other items' stagings wait on the release's lock.
    const [release, , unstaged] = await settleAll([
      this.releases.find(releaseId, tx, true),
      this.promotions.stageTarget(targetId, result, tx),
      this.promotions.unstagedInRelease(releaseId, tx),
    ]);
    if (release?.status !== 'running' || unstaged > 0) return null;
    await this.releases.setStatus(releaseId, { status: 'committing' }, tx);
    return release.run;
  }

  /**
   * One item failed for good: the release fails with its error, its other active items are
   * cancelled. Answers the cancelled targets, whose waiting jobs the caller discards after commit.
   * Nothing to do when the release is no longer running (cancelled meanwhile, or failed already).
   */
  async itemFailed(
    releaseId: string,
    item: { id: string; repository: string },
    error: { code: string; message: string },
    tx: Transaction,
  ): Promise<QueuedTarget[]> {
    if ((await this.lock(releaseId, tx)) !== 'running') return [];
    // The failed item itself ends failed: its other targets stop, then it settles.
    await this.promotions.find(item.id, tx, true);
    const own = (await this.promotions.targetsOf([item.id], tx)).filter((t) => isActive(t.status));
    await this.promotions.cancelTargets(item.id, tx);
    await this.transitions.settle(item.id, tx);
    const cancelled = await this.cancelItems(releaseId, RELEASE_WORKER, tx);
    await this.end(
      releaseId,
      {
        status: 'failed',
        errorCode: error.code,
        errorMessage: `${item.repository} failed, so the release's other items were cancelled and no tag was written: ${error.message}`,
      },
      RELEASE_WORKER,
      tx,
    );
    return [...own.map((t) => ({ id: t.id, run: t.run })), ...cancelled];
  }

  /** Every active item → cancelled (tag claims released); answers their targets. */
  async cancelItems(
    releaseId: string,
    actor: AuditActor,
    tx: Transaction,
  ): Promise<PromotionTargetView[]> {
    const targets: PromotionTargetView[] = [];
    for (const item of await this.promotions.ofRelease(releaseId, tx)) {
      if (!isActive(item.status)) continue;
      targets.push(...(await this.transitions.cancel(item.id, actor, tx)).targets);
    }
    return targets;
  }

  /** The release ends (succeeded, failed, cancelled): audited and announced. */
  async end(
    releaseId: string,
    outcome: ReleaseOutcome,
    actor: AuditActor,
    tx: Transaction,
  ): Promise<void> {
    const before = await this.queries.viewIn(releaseId, tx);
    await this.releases.setStatus(releaseId, outcome, tx);
    const after = await this.queries.viewIn(releaseId, tx);
    await this.audit.record(
      {
        actor,
        action: `release.${outcome.status}`,
        subject: { type: 'release', id: releaseId },
        before,
        after,
      },
      tx,
    );
    if (outcome.status === 'succeeded' || outcome.status === 'failed')
      await this.events.publish(`release.${outcome.status}`, after, tx);
  }
}
