import { AuditService, type AuditActor } from '@airlock/audit';
import type { CopyPlan, TagConflict } from '@airlock/copy';
import { AirlockError } from '@airlock/errors';
import { EventsService } from '@airlock/events';
import { GatesService } from '@airlock/gates';
import { ImagesService } from '@airlock/images';
import { Metrics } from '@airlock/observability';
import { TransactionRunner, type Transaction } from '@airlock/persistence';
import { ReadinessService, type Assessment } from '@airlock/policies';
import { Injectable } from '@nestjs/common';
import { IdempotencyKeyRepository } from './idempotency-key.repository';
import { PromotionJobs } from './promotion-jobs';
import { PromotionResolver, type Resolved, type Survey } from './promotion-resolver';
import { readPromotionRequest, requestHash, type PromotionRequest } from './promotion-rules';
import { PromotionTransitions } from './promotion-transitions';
import { evidenceOf, refusal, tagClashes } from './promotion-verdict';
import type { PromotionView } from './promotion-view';
import { toTargetPlan, type DryRunView } from './plan-view';
import { PromotionRepository } from './promotion.repository';

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
  request: PromotionRequest;
  resolved: Resolved;
  assessment: Assessment;
  plans: CopyPlan[];
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
    private readonly promotions: PromotionRepository,
    private readonly idempotency: IdempotencyKeyRepository,
    private readonly images: ImagesService,
    private readonly resolver: PromotionResolver,
    private readonly readiness: ReadinessService,
    private readonly transactions: TransactionRunner,
    private readonly transitions: PromotionTransitions,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly gates: GatesService,
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
      const replay = await this.replay(actor.tokenId!, key, hash);
      if (replay) return replay;
    }
    const resolved = await this.resolver.resolve(request);
    const survey = await this.resolver.survey(resolved);
    const clashes = tagClashes(resolved, survey);
    const assessment = await this.judge(request, resolved, survey, clashes, actor);
    if (request.dryRun) {
      this.metrics.promotionRequests.inc({ stage: request.target, result: 'dry_run' });
      return dryRunAnswer(resolved, assessment, survey.plans);
    }
    if (!assessment.evaluation.ready) {
      this.metrics.promotionRequests.inc({ stage: request.target, result: 'refused' });
      throw refusal(request.target, resolved.digest, assessment, clashes);
    }
    const { plans } = survey;
    return this.admit({ request, resolved, assessment, plans, actor, key, hash });
  }

  /** The target stage's policy over the request, its requester and what the registries hold. */
  private judge(
    request: PromotionRequest,
    resolved: Resolved,
    { referrers }: Survey,
    clashes: TagConflict[],
    actor: AuditActor,
  ): Promise<Assessment> {
    return this.readiness.assess(
      resolved.digest,
      { stage: request.target, source: resolved.sourceStage, tags: resolved.tags },
      {
        requester: actor.tokenId ?? undefined,
        referrerTypes: referrers.referrerTypes,
        platformReferrers: referrers.platformReferrers,
        existingTargetTags: new Map(clashes.map((c) => [c.tag, c.digest])),
      },
    );
  }

  /** Stores the promotion (under its key), then enqueues its targets after the commit. */
  private async admit(admission: Admission): Promise<PromotionAnswer> {
    const { request, actor, key, hash } = admission;
    const imageId = await this.registeredImageId(admission);
    try {
      const answer = await this.transactions.run(async (tx) => {
        if (key && !(await this.idempotency.store(actor.tokenId!, key, pending(hash), tx)))
          throw new KeyTakenMeanwhile();
        const view = await this.create(admission, imageId, tx);
        if (key) await this.idempotency.complete(actor.tokenId!, key, view, tx);
        return { status: 202 as const, body: view, replayed: false };
      });
      this.metrics.promotionRequests.inc({ stage: request.target, result: 'accepted' });
      await this.jobs.enqueueAfterCommit(
        answer.body.targets.map((t) => ({ id: t.id, run: t.run })),
      );
      return answer;
    } catch (error) {
      if (!(error instanceof KeyTakenMeanwhile)) throw error;
      return (await this.replay(actor.tokenId!, key!, hash))!;
    }
  }

  private async replay(
    principalId: string,
    key: string,
    hash: string,
  ): Promise<PromotionAnswer | null> {
    const stored = await this.idempotency.find(principalId, key);
    if (!stored) return null;
    if (stored.requestHash !== hash) {
      throw new AirlockError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used for a different request; use a new key for a new request',
        { details: { idempotencyKey: key } },
      );
    }
    // The stored body is the promotion as it was answered; the caller polls its status for news.
    return { status: 202, body: stored.body as PromotionView, replayed: true };
  }

  /**
   * A promotion needs its image on record; an unregistered digest is registered for the caller.
   * Looked up before the request's transaction: a read on another pool connection while a
   * transaction holds one starves the pool when many requests run at once.
   */
  private async registeredImageId({ request, resolved, actor }: Admission): Promise<string> {
    const known = await this.images.find(resolved.digest, request.repository);
    if (known) return known.id;
    const { image } = await this.images.register(
      { registry: resolved.source.name, repository: request.repository, digest: resolved.digest },
      actor,
    );
    return image.id;
  }

  private async create(
    { request, resolved, assessment, plans, actor }: Admission,
    imageId: string,
    tx: Transaction,
  ): Promise<PromotionView> {
    const options: PromotionOptions = { allowTagOverwrite: !assessment.policy.immutableTags };
    const id = await this.promotions.insert(
      {
        imageId,
        digest: resolved.digest,
        sourceRegistryId: resolved.source.id,
        sourceRepository: request.repository,
        sourceTag: request.tag ?? null,
        sourceStage: resolved.sourceStage,
        targetStageId: resolved.targetStageId,
        tags: resolved.tags,
        evidence: evidenceOf(assessment),
        options: { ...options },
        plan: plans.map((plan, i) => toTargetPlan(resolved.targets[i]!.registry.name, plan)),
        requestedBy: actor.tokenId,
      },
      tx,
    );
    await this.gates.notePrincipal(resolved.digest, actor.tokenId, 'requested', tx);
    const destinations = resolved.targets.map((t) => ({
      registryId: t.registry.id,
      repository: resolved.targetRepository,
    }));
    await this.transitions.claim(id, resolved.digest, destinations, resolved.tags, tx);
    for (const [i, destination] of destinations.entries()) {
      const { bytesTotal, blobs } = plans[i]!;
      await this.promotions.insertTarget(
        id,
        { ...destination, bytesTotal, blobsTotal: blobs.length },
        tx,
      );
    }
    const view = await this.transitions.viewIn(id, tx);
    await this.audit.record(
      { actor, action: 'promotion.requested', subject: { type: 'promotion', id }, after: view },
      tx,
    );
    await this.events.publish('promotion.queued', view, tx);
    return view;
  }
}

function dryRunAnswer(resolved: Resolved, assessment: Assessment, plans: CopyPlan[]) {
  const body: DryRunView = {
    dryRun: true,
    digest: resolved.digest,
    ready: assessment.evaluation.ready,
    evaluation: assessment.evaluation,
    targets: plans.map((plan, i) => toTargetPlan(resolved.targets[i]!.registry.name, plan)),
  };
  return { status: 200 as const, body, replayed: false };
}

function pending(hash: string) {
  return { requestHash: hash, status: 202, body: null };
}
