import type { AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import { Metrics } from '@airlock/observability';
import { TransactionRunner } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { PromotionJobs } from '../promotion-jobs';
import { PromotionLifecycleService } from '../promotion-lifecycle.service';
import { isRetryable } from '../promotion-state';
import { PromotionTransitions } from '../promotion-transitions';
import { ReleaseJobs } from './release-jobs';
import { ReleaseQueries } from './release-queries';
import { readReleaseId } from './release-rules';
import { ReleaseSettlement } from './release-settlement';
import type { ReleaseView } from './release-view';
import { ReleaseRepository } from './release.repository';

/**
 * Cancel and retry of a whole release. Cancel: while it copies (not once it commits — its tags
 * are being written then), every active item is cancelled; nothing was tagged. Retry: a failed
 * or cancelled release whose every target had landed commits again (its tag writes failed);
 * otherwise each item is judged again by the policy (any refusal refuses the retry, naming the
 * items) and requeued, and the release copies again towards a new commit.
 */
@Injectable()
export class ReleaseLifecycleService {
  constructor(
    private readonly releases: ReleaseRepository,
    private readonly queries: ReleaseQueries,
    private readonly settlement: ReleaseSettlement,
    private readonly transitions: PromotionTransitions,
    private readonly promotionLifecycle: PromotionLifecycleService,
    private readonly transactions: TransactionRunner,
    private readonly jobs: PromotionJobs,
    private readonly releaseJobs: ReleaseJobs,
    private readonly metrics: Metrics,
  ) {}

  async cancel(id: unknown, actor: AuditActor): Promise<ReleaseView> {
    const checked = readReleaseId(id);
    await this.queries.show(checked);
    const { view, targets } = await this.transactions.run(async (tx) => {
      const status = await this.settlement.lock(checked, tx);
      if (status !== 'running') throw notCancellable(checked, status);
      const cancelled = await this.settlement.cancelItems(checked, actor, tx);
      await this.settlement.end(
        checked,
        { status: 'cancelled', errorCode: 'CANCELLED', errorMessage: `Cancelled by ${actor.name}` },
        actor,
        tx,
      );
      return { view: await this.queries.viewIn(checked, tx), targets: cancelled };
    });
    for (const target of targets) await this.jobs.discard(target);
    this.metrics.promotions.inc(
      { stage: view.target.stage, outcome: 'cancelled' },
      view.items.length,
    );
    return view;
  }

  async retry(id: unknown, actor: AuditActor): Promise<ReleaseView> {
    const current = await this.queries.show(id);
    if (current.status !== 'failed' && current.status !== 'cancelled') {
      throw new AirlockError(
        'CONFLICT',
        `Release ${current.id} is ${current.status}; only a failed or cancelled release can be retried`,
        { details: { id: current.id, status: current.status } },
      );
    }
    const allStaged = current.staged.done === current.staged.total;
    if (!allStaged) await this.judgeItemsAgain(current, actor);
    const { view, run } = await this.transactions.run(async (tx) => {
      const status = await this.settlement.lock(current.id, tx);
      if (status !== current.status) throw changed(current.id);
      const nextRun = await this.releases.retry(
        current.id,
        allStaged ? 'committing' : 'running',
        tx,
      );
      if (!allStaged) {
        for (const item of current.items)
          if (isRetryable(item.status)) await this.transitions.requeue(item.id, actor, item, tx);
      }
      return { view: await this.queries.viewIn(current.id, tx), run: nextRun };
    });
    if (allStaged) await this.releaseJobs.enqueueAfterCommit(view.id, run);
    else
      await this.jobs.enqueueAfterCommit(
        view.items.flatMap((item) => item.targets.filter((t) => t.status === 'queued')),
      );
    return view;
  }

  private async judgeItemsAgain(current: ReleaseView, actor: AuditActor): Promise<void> {
    const refused: Array<Record<string, unknown>> = [];
    for (const [index, item] of current.items.entries()) {
      const refusal = await this.promotionLifecycle.judgeAgain(item, actor);
      if (refusal)
        refused.push({
          index,
          repository: item.source.repository,
          digest: item.digest,
          code: refusal.code,
          message: refusal.message,
          ...refusal.details,
        });
    }
    if (refused.length === 0) return;
    throw new AirlockError(
      'RELEASE_NOT_READY',
      `The policy of stage "${current.target.stage}" no longer admits ${refused.length} of the release's items; nothing was retried`,
      { details: { stage: current.target.stage, items: refused } },
    );
  }
}

function notCancellable(id: string, status: string | null): AirlockError {
  if (status === null)
    return new AirlockError('NOT_FOUND', `No release ${id}`, { details: { id } });
  const why =
    status === 'committing'
      ? 'it is writing its tags (every item landed); let it finish'
      : 'only a running release can be cancelled';
  return new AirlockError('CONFLICT', `Release ${id} is ${status}; ${why}`, {
    details: { id, status },
  });
}

function changed(id: string): AirlockError {
  return new AirlockError('CONFLICT', `Release ${id} changed meanwhile; try again`, {
    details: { id },
  });
}
