import type { AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import { Metrics } from '@airlock/observability';
import { TransactionRunner } from '@airlock/persistence';
import { ReadinessService } from '@airlock/policies';
import { Injectable } from '@nestjs/common';
import { PromotionJobs } from './promotion-jobs';
import { PromotionQueriesService } from './promotion-queries.service';
import { PromotionResolver } from './promotion-resolver';
import { readPromotionId } from './promotion-rules';
import { requireRetryable } from './promotion-state';
import { PromotionTransitions } from './promotion-transitions';
import { refusal } from './promotion-verdict';
import type { PromotionView } from './promotion-view';

/**
 * What a caller does to a promotion after requesting it: cancel it while it is active, retry it
 * once it failed or was cancelled (promotion-state.ts says which status may follow which). Takes
 * the id as the path gave it. Settling is the worker's (PromotionRunner).
 */
@Injectable()
export class PromotionLifecycleService {
  constructor(
    private readonly queries: PromotionQueriesService,
    private readonly resolver: PromotionResolver,
    private readonly readiness: ReadinessService,
    private readonly transactions: TransactionRunner,
    private readonly transitions: PromotionTransitions,
    private readonly jobs: PromotionJobs,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Queued or running → cancelled, tags released. A copy in flight stops at its next progress
   * write; tags are written last, so a cancelled promotion never tags anything it had not tagged.
   */
  async cancel(id: unknown, actor: AuditActor): Promise<PromotionView> {
    const checked = readPromotionId(id);
    refuseReleaseItem(await this.queries.show(checked), 'cancelled');
    const view = await this.transactions.run((tx) => this.transitions.cancel(checked, actor, tx));
    this.metrics.promotions.inc({ stage: view.target.stage, outcome: 'cancelled' });
    for (const target of view.targets) await this.jobs.discard(target);
    return view;
  }

  /**
   * A failed or cancelled promotion runs again: its policy is judged again (a gate may have failed
   * since), its tags claimed again, and every target that did not succeed gets a new job.
   */
  async retry(id: unknown, actor: AuditActor): Promise<PromotionView> {
    const current = await this.queries.show(id);
    refuseReleaseItem(current, 'retried');
    requireRetryable(current.id, current.status);
    const refused = await this.judgeAgain(current, actor);
    if (refused) throw refused;
    const view = await this.transactions.run((tx) =>
      this.transitions.requeue(current.id, actor, current, tx),
    );
    await this.jobs.enqueueAfterCommit(view.targets.filter((t) => t.status === 'queued'));
    return view;
  }

  /** The target stage's policy over a stored promotion now: its refusal, or null when it holds. */
  async judgeAgain(current: PromotionView, actor: AuditActor): Promise<AirlockError | null> {
    // Judged on the source's referrers as a request is, else a policy requiring some never holds.
    const referrers = await this.resolver.referrersOf(
      current.source.registry,
      current.source.repository,
      current.digest,
    );
    const assessment = await this.readiness.assess(
      current.digest,
      {
        stage: current.target.stage,
        source: current.source.stage ?? undefined,
        tags: current.tags,
      },
      { requester: actor.tokenId ?? undefined, ...referrers },
    );
    if (assessment.evaluation.ready) return null;
    return refusal(current.target.stage, current.digest, assessment, []);
  }
}

/** A release's items are cancelled and retried with their release, never one by one. */
function refuseReleaseItem(current: PromotionView, verb: string): void {
  if (current.releaseId === null) return;
  throw new AirlockError(
    'CONFLICT',
    `Promotion ${current.id} is an item of release ${current.releaseId}; it is ${verb} with its release (POST /api/v1/releases/${current.releaseId}/${verb === 'cancelled' ? 'cancel' : 'retry'})`,
    { details: { id: current.id, releaseId: current.releaseId } },
  );
}
