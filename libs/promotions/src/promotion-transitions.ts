import { systemActor, type AuditActor, type AuditService } from '@airlock/audit';
import { tagConflictError } from '@airlock/copy';
import type { EventsService } from '@airlock/events';
import type { TagLedger } from '@airlock/images';
import type { Metrics } from '@airlock/observability';
import { settleAll, type Transaction } from '@airlock/persistence';
import type { PromotionRepository } from './promotion.repository';
import {
  cancellation,
  changedMeanwhile,
  claimsOf,
  isRetryable,
  requireCancellable,
  settlementOf,
  targetFailure,
  type Destination,
} from './promotion-state';
import { promotionNotFound } from './promotion-rules';
import { toPromotionView, type PromotionView } from './promotion-view';

/** The statements a transition runs on promotions and their targets. */
export type PromotionStore = Pick<
  PromotionRepository,
  | 'find'
  | 'findTarget'
  | 'targetsOf'
  | 'setStatus'
  | 'setTargetOutcome'
  | 'cancelTargets'
  | 'requeueUnfinished'
>;
/** Where a promotion's tag claims are held (TagLedger). */
export type ClaimLedger = Pick<TagLedger, 'claim' | 'release'>;
export type AuditTrail = Pick<AuditService, 'record'>;
export type EventOutbox = Pick<EventsService, 'publish'>;

const WORKER = systemActor('promotion-worker');

/**
 * The state machine's transitions applied (promotion-state.ts says which may happen), each in
 * the caller's transaction with the promotion row locked, so a cancel, a target's failure, its
 * landing and a retry of one promotion take turns: each sees what the one before committed.
 * Used by the request (claims), the lifecycle (cancel, retry) and the worker (fail, settle).
 */
export class PromotionTransitions {
  constructor(
    private readonly store: PromotionStore,
    private readonly ledger: ClaimLedger,
    private readonly audit: AuditTrail,
    private readonly events: EventOutbox,
    private readonly metrics: Pick<Metrics, 'promotions'>,
  ) {}

  /**
   * Queued or running → cancelled, with every active target; its tag claims released. A copy in
   * flight stops at its next progress write. Answers the promotion as it is now.
   */
  async cancel(id: string, actor: AuditActor, tx: Transaction): Promise<PromotionView> {
    const row = await this.store.find(id, tx, true);
    if (!row) throw promotionNotFound(id);
    requireCancellable(id, row.status);
    const before = toPromotionView(row, await this.store.targetsOf([id], tx));
    await this.store.cancelTargets(id, tx);
    await this.store.setStatus(id, cancellation(actor.name), tx);
    await this.ledger.release(id, tx);
    const after = await this.viewIn(id, tx);
    await this.audit.record(
      { actor, action: 'promotion.cancelled', subject: { type: 'promotion', id }, before, after },
      tx,
    );
    return after;
  }

  /**
   * A target's copy failed: failed when `final` (and the promotion settles), queued again when
   * not. A target cancelled meanwhile stays cancelled.
   */
  async failTarget(
    promotionId: string,
    targetId: string,
    error: { code: string; message: string },
    final: boolean,
    tx: Transaction,
  ): Promise<void> {
    await this.store.find(promotionId, tx, true);
    const current = await this.store.findTarget(targetId, tx);
    const outcome = targetFailure(current?.status, error, final);
    if (!outcome) return;
    await this.store.setTargetOutcome(targetId, outcome, tx);
    if (final) await this.settle(promotionId, tx);
  }

  /**
   * The promotion follows its targets once none is active: succeeded or failed, its tag claims
   * released, audited and announced as the worker's. Called with the promotion row locked.
   */
  async settle(promotionId: string, tx: Transaction): Promise<void> {
    // Statements issued together leave in one write and run in that order: three round trips
    // to Postgres. The view after is the one before with what the status change wrote (its
    // targets did not change), not read again.
    const before = await this.snapshotIn(promotionId, tx);
    const row = before.row;
    const outcome = settlementOf(row.status, before.targets);
    if (!outcome) return;
    const [changed] = await settleAll([
      this.store.setStatus(promotionId, outcome, tx),
      this.ledger.release(promotionId, tx),
    ]);
    const after = toPromotionView({ ...row, ...changed }, before.targets);
    const result = outcome.status === 'succeeded' ? 'succeeded' : 'failed';
    this.metrics.promotions.inc({ stage: row.targetStage, outcome: result });
    await settleAll([
      this.audit.record(
        {
          actor: WORKER,
          action: `promotion.${result}`,
          subject: { type: 'promotion', id: promotionId },
          before: before.view,
          after,
        },
        tx,
      ),
      this.events.publish(`promotion.${result}`, after, tx),
    ]);
  }

  /**
   * Failed or cancelled → queued again: its tags claimed again in every target (landed ones
   * included: the tags are written there too), every unfinished target under a new run number.
   * `before` is the promotion as the retry judged it. TAG_CONFLICT when another promotion took
   * a tag meanwhile; CONFLICT when the promotion changed since it was judged.
   */
  async requeue(
    id: string,
    actor: AuditActor,
    before: PromotionView,
    tx: Transaction,
  ): Promise<PromotionView> {
    const row = await this.store.find(id, tx, true);
    if (!row || !isRetryable(row.status)) throw changedMeanwhile(id, row?.status);
    const targets = await this.store.targetsOf([id], tx);
    await this.claim(id, row.digest, targets, row.tags, tx);
    await this.store.requeueUnfinished(id, tx);
    await this.store.setStatus(id, { status: 'queued' }, tx);
    const after = await this.viewIn(id, tx);
    await this.audit.record(
      { actor, action: 'promotion.retried', subject: { type: 'promotion', id }, before, after },
      tx,
    );
    return after;
  }

  /** Holds the tags in every destination for this promotion; another digest holding one → TAG_CONFLICT. */
  async claim(
    promotionId: string,
    digest: string,
    destinations: readonly Destination[],
    tags: readonly string[],
    tx: Transaction,
  ): Promise<void> {
    const conflicts = await this.ledger.claim(
      promotionId,
      digest,
      claimsOf(destinations, tags),
      tx,
    );
    if (conflicts.length === 0) return;
    throw tagConflictError(
      conflicts.map((c) => ({
        registry: c.registry,
        repository: c.repository,
        tag: c.tag,
        digest: c.digest,
        requestedDigest: digest,
        promotionId: c.promotionId,
      })),
    );
  }

  /** The promotion as `tx` sees it. */
  async viewIn(id: string, tx: Transaction): Promise<PromotionView> {
    return (await this.snapshotIn(id, tx)).view;
  }

  /** The promotion's row, its targets and its view as `tx` sees them: both reads in one write. */
  private async snapshotIn(id: string, tx: Transaction) {
    const [row, targets] = await settleAll([
      this.store.find(id, tx),
      this.store.targetsOf([id], tx),
    ]);
    return { row: row!, targets, view: toPromotionView(row!, targets) };
  }
}
