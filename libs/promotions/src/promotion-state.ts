import { AirlockError } from '@airlock/errors';
import {
  ACTIVE_STATUSES,
  type PromotionStatus,
  type PromotionTargetRow,
  type TargetOutcome,
} from './promotion.repository';

/**
 * The promotion state machine: which status may follow which, for a promotion and for each of
 * its targets (one copy into one registry of the target stage).
 *
 *   queued ──▶ running ──▶ succeeded
 *     │           ├──────▶ failed ────┐
 *     └───────────┴──────▶ cancelled ─┴──▶ queued (retry)
 *
 * A promotion follows its targets (`settlementOf`): it stays active while one of them is, then
 * succeeds when all did and fails when one did not. A cancel and a target's failure may race;
 * both lock the promotion row first, so one of them sees the other's commit: a target no longer
 * running when its failure arrives was cancelled and the cancellation stands (`targetFailure`),
 * and a promotion that settled as failed first can no longer be cancelled (`requireCancellable`).
 * Tag claims are held while a promotion is active: released when it settles or is cancelled,
 * claimed again, for every target, when it is retried (`claimsOf`).
 */
export const NEXT_STATUSES: Readonly<Record<PromotionStatus, readonly PromotionStatus[]>> = {
  queued: ['running', 'succeeded', 'failed', 'cancelled'],
  running: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: ['queued'],
  cancelled: ['queued'],
};

const RETRYABLE: readonly PromotionStatus[] = ['failed', 'cancelled'];

export function mayFollow(from: PromotionStatus, to: PromotionStatus): boolean {
  return NEXT_STATUSES[from].includes(to);
}

export function isActive(status: PromotionStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

export function isRetryable(status: PromotionStatus): boolean {
  return RETRYABLE.includes(status);
}

/** Only a queued or running promotion can be cancelled: CONFLICT otherwise. */
export function requireCancellable(id: string, status: PromotionStatus): void {
  if (mayFollow(status, 'cancelled')) return;
  throw new AirlockError(
    'CONFLICT',
    `Promotion ${id} is ${status}; only a queued or running promotion can be cancelled`,
    { details: { id, status } },
  );
}

/** Only a failed or cancelled promotion can be retried: CONFLICT otherwise. */
export function requireRetryable(id: string, status: PromotionStatus): void {
  if (isRetryable(status)) return;
  throw new AirlockError(
    'CONFLICT',
    `Promotion ${id} is ${status}; only a failed or cancelled promotion can be retried`,
    { details: { id, status } },
  );
}

/** The status it had when the retry was judged is gone (another retry, or it was cancelled). */
export function changedMeanwhile(id: string, status: PromotionStatus | undefined): AirlockError {
  return new AirlockError('CONFLICT', `Promotion ${id} changed meanwhile; try again`, {
    details: { id, status },
  });
}

/** What cancelling writes on the promotion (its active targets become cancelled with it). */
export function cancellation(by: string): TargetOutcome {
  return { status: 'cancelled', errorCode: 'CANCELLED', errorMessage: `Cancelled by ${by}` };
}

/**
 * What a copy's failure writes on its target: failed when it is final, queued again (the queue
 * retries) when not. Null when the target is no longer running: it was cancelled meanwhile, and
 * the cancellation stands.
 */
export function targetFailure(
  current: PromotionStatus | undefined,
  error: { code: string; message: string },
  final: boolean,
): TargetOutcome | null {
  if (current !== 'running') return null;
  return {
    status: final ? 'failed' : 'queued',
    errorCode: error.code,
    errorMessage: error.message,
  };
}

/**
 * What the promotion becomes once its targets are done: succeeded when all succeeded, failed
 * (with the first unsuccessful target's error) otherwise. Null while it is not active any more
 * (cancelled, settled) or one of its targets still is.
 */
export function settlementOf(
  status: PromotionStatus,
  targets: readonly Pick<
    PromotionTargetRow,
    'status' | 'registry' | 'errorCode' | 'errorMessage'
  >[],
): TargetOutcome | null {
  if (!isActive(status)) return null;
  if (targets.some((t) => isActive(t.status))) return null;
  // The failure counts before a target stopped because of it (cancelled with its release).
  const failed =
    targets.find((t) => t.status === 'failed') ?? targets.find((t) => t.status !== 'succeeded');
  if (!failed) return { status: 'succeeded' };
  return {
    status: 'failed',
    errorCode: failed.errorCode ?? 'INTERNAL',
    errorMessage: `${failed.registry}: ${failed.errorMessage ?? 'failed'}`,
  };
}

/** Where a promotion puts its tags: one repository of each registry of the target stage. */
export interface Destination {
  registryId: string;
  repository: string;
}

/** The tag claims of a promotion: every tag in every destination. */
export function claimsOf(
  destinations: readonly Destination[],
  tags: readonly string[],
): Array<Destination & { tag: string }> {
  return destinations.flatMap((d) =>
    tags.map((tag) => ({ registryId: d.registryId, repository: d.repository, tag })),
  );
}
