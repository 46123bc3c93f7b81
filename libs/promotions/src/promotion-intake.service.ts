import type { AuditActor } from '@airlock/audit';
import { Metrics } from '@airlock/observability';
import { Injectable } from '@nestjs/common';
import { IdempotentRequests, type KeyedRequest } from './idempotent-requests';
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
    private readonly idempotency: IdempotentRequests,
    private readonly admission: PromotionAdmission,
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
    const keyed = IdempotentRequests.keyed(
      actor,
      read.idempotencyKey,
      requestHash(request),
      request.dryRun,
    );
    const replay = await this.idempotency.replay(keyed);
    if (replay) return { status: 202, body: replay as PromotionView, replayed: true };
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
    return this.admit(judged, actor, keyed);
  }

  /** Stores the promotion (under its key), then enqueues its targets after the commit. */
  private async admit(
    judged: Judged,
    actor: AuditActor,
    keyed: KeyedRequest | undefined,
  ): Promise<PromotionAnswer> {
    const [imageId] = await this.admission.imageIdsOf([judged], actor);
    const { body, replayed } = await this.idempotency.storeOnce(keyed, (tx) =>
      this.admission.storeOne(judged, imageId!, actor, tx),
    );
    if (!replayed) {
      this.metrics.promotionRequests.inc({ stage: judged.request.target, result: 'accepted' });
      await this.jobs.enqueueAfterCommit(body.targets.map((t) => ({ id: t.id, run: t.run })));
    }
    return { status: 202, body, replayed };
  }
}
