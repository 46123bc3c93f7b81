import type { AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import { Metrics } from '@airlock/observability';
import { TransactionRunner } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { IdempotencyKeyRepository } from './idempotency-key.repository';
import { PromotionJobs } from './promotion-jobs';
import { PromotionAdmission, type Judged } from './promotion-admission';
import { readPromotionRequest, requestHash } from './promotion-rules';
import type { PromotionView } from './promotion-view';
import type { DryRunView } from './plan-view';

/** The answer to a promotion request: what to send and with which HTTP status. */
export interface PromotionAnswer {
  status: 200 | 202;
  body: PromotionView | DryRunView;
  /** The body is the stored answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

/**
 * Copy options fixed at request time and read by the worker. Every referrer of every manifest
 * copied travels; the policy's referrer lists only decide admission. (Rows stored before this
 * also hold `referrerTypes`, which is no longer read.)
 */
export interface PromotionOptions {
  allowTagOverwrite: boolean;
}

/** A request judged ready, on its way into the database. */
interface Admission {
  judged: Judged;
  actor: AuditActor;
  /** The Idempotency-Key it is stored under, and the request's fingerprint. */
  key: string | undefined;
  hash: string;
}

/** Thrown inside the request transaction when a concurrent request stored the same key first. */
class KeyTakenMeanwhile extends Error {}

/**
 * Promotion requests: read the request (the one owner of its validation), resolve and plan it
 * (reads only), judge it against the target stage's policy, then in one transaction store the
 * Idempotency-Key, claim the tags and store the promotion with one target per registry of the
 * stage; the queue jobs follow the commit. A dry run stops after the verdict; a refusal is not
 * stored under the key, so a request refused before its approval can be repeated with it.
 */
@Injectable()
export class PromotionIntakeService {
  constructor(
    private readonly idempotency: IdempotencyKeyRepository,
    private readonly admission: PromotionAdmission,
    private readonly transactions: TransactionRunner,
    private readonly jobs: PromotionJobs,
    private readonly metrics: Metrics,
  ) {}

  /** `input` and `idempotencyKey` (the header) as the request sent them. */
  async request(
    input: unknown,
    actor: AuditActor,
    idempotencyKey?: unknown,
  ): Promise<PromotionAnswer> {
    const read = readPromotionRequest(input, idempotencyKey);
    const { request } = read;
    const key = request.dryRun || !actor.tokenId ? undefined : read.idempotencyKey;
    const hash = requestHash(request);
    if (key) {
      const replay = await replayOf(this.idempotency, actor.tokenId!, key, hash);
      if (replay) return { status: 202, body: replay as PromotionView, replayed: true };
    }
    const judged = await this.admission.judge(request, actor);
    if (request.dryRun) {
      this.metrics.promotionRequests.inc({ stage: request.target, result: 'dry_run' });
      return { status: 200, body: this.admission.dryRun(judged), replayed: false };
    }
    const refused = this.admission.refusalOf(judged);
    if (refused) {
      this.metrics.promotionRequests.inc({ stage: request.target, result: 'refused' });
      throw refused;
    }
    return this.admit({ judged, actor, key, hash });
  }

  /** Stores the promotion (under its key), then enqueues its targets after the commit. */
  private async admit({ judged, actor, key, hash }: Admission): Promise<PromotionAnswer> {
    const imageId = await this.admission.imageIdOf(judged, actor);
    try {
      const answer = await this.transactions.run(async (tx) => {
        if (key && !(await this.idempotency.store(actor.tokenId!, key, pending(hash), tx)))
          throw new KeyTakenMeanwhile();
        const view = await this.admission.store(judged, imageId, actor, null, tx);
        if (key) await this.idempotency.complete(actor.tokenId!, key, view, tx);
        return { status: 202 as const, body: view, replayed: false };
      });
      this.metrics.promotionRequests.inc({ stage: judged.request.target, result: 'accepted' });
      await this.jobs.enqueueAfterCommit(
        answer.body.targets.map((t) => ({ id: t.id, run: t.run })),
      );
      return answer;
    } catch (error) {
      if (!(error instanceof KeyTakenMeanwhile)) throw error;
      const replay = await replayOf(this.idempotency, actor.tokenId!, key!, hash);
      return { status: 202, body: replay as PromotionView, replayed: true };
    }
  }
}

/**
 * The stored answer to an earlier request with the same key, or null when there was none;
 * IDEMPOTENCY_KEY_REUSED when that request was a different one. The caller polls for news.
 */
export async function replayOf(
  idempotency: IdempotencyKeyRepository,
  principalId: string,
  key: string,
  hash: string,
): Promise<unknown> {
  const stored = await idempotency.find(principalId, key);
  if (!stored) return null;
  if (stored.requestHash !== hash) {
    throw new AirlockError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a different request; use a new key for a new request',
      { details: { idempotencyKey: key } },
    );
  }
  return stored.body;
}

/** What the key holds while its request's transaction is open. */
export function pending(hash: string) {
  return { requestHash: hash, status: 202, body: null };
}
