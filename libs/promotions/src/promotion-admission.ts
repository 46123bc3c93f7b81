import { AuditService, type AuditActor } from '@airlock/audit';
import { mapLimit, type TagConflict } from '@airlock/copy';
import { EventsService } from '@airlock/events';
import { GatesService } from '@airlock/gates';
import { ImagesService } from '@airlock/images';
import { settleAll, type Transaction } from '@airlock/persistence';
import { ReadinessService, rulesOf, type Assessment } from '@airlock/policies';
import { Injectable } from '@nestjs/common';
import type { PromotionOptions } from './promotion-intake.service';
import { PromotionResolver, type Resolved, type Survey } from './promotion-resolver';
import type { PromotionRequest } from './promotion-rules';
import { PromotionTransitions } from './promotion-transitions';
import { evidenceOf, refusal, tagClashes } from './promotion-verdict';
import type { PromotionView } from './promotion-view';
import { toTargetPlan, type DryRunView } from './plan-view';
import { PromotionRepository } from './promotion.repository';

/** Unregistered images registered at once (each reads its manifest from the source). */
const REGISTERED_AT_ONCE = 16;

export interface JudgeOptions {
  /** Requests resolved and surveyed at once (default 1). */
  limit?: number;
  /** The error to throw for the request at `index` that could not be judged. */
  named?: (error: unknown, index: number) => unknown;
}

/** A request resolved, planned against every target registry and judged by the target's policy. */
export interface Judged {
  request: PromotionRequest;
  resolved: Resolved;
  survey: Survey;
  clashes: TagConflict[];
  assessment: Assessment;
}

/**
 * The two halves of admitting one image into a stage, shared by a single promotion and by each
 * item of a release: `judge` (reads only: resolve, plan, the policy's verdict) and `store` (in
 * the caller's transaction: the promotion, its tag claims, one target per registry of the stage,
 * audit and event).
 */
@Injectable()
export class PromotionAdmission {
  constructor(
    private readonly promotions: PromotionRepository,
    private readonly images: ImagesService,
    private readonly resolver: PromotionResolver,
    private readonly readiness: ReadinessService,
    private readonly transitions: PromotionTransitions,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly gates: GatesService,
  ) {}

  async judge(request: PromotionRequest, actor: AuditActor): Promise<Judged> {
    return (await this.judgeAll([request], actor))[0]!;
  }

  /**
   * Requests judged together (a release's items): their stages and registries read once, each
   * resolved and surveyed (`limit` at once: each plans against every target registry), then
   * every verdict from one read of the policies and the ledger. A request that cannot be
   * resolved or surveyed fails the lot with `named(error, index)`.
   */
  async judgeAll(
    requests: readonly PromotionRequest[],
    actor: AuditActor,
    { limit = 1, named = (error: unknown) => error }: JudgeOptions = {},
  ): Promise<Judged[]> {
    const directory = await this.resolver.directory(requests);
    const surveyed = await mapLimit([...requests.entries()], limit, async ([index, request]) => {
      try {
        const resolved = await this.resolver.resolve(request, directory);
        // A dry run answers exactly what the copy would move; an accepted request's copy asks
        // about each blob as it goes (PlanOptions), so its plan spends no request per blob.
        const survey = await this.resolver.survey(resolved, request.dryRun ? 'ask' : 'expect');
        return { request, resolved, survey, clashes: tagClashes(resolved, survey) };
      } catch (error) {
        throw named(error, index);
      }
    });
    const assessments = await this.readiness.assessEach(
      surveyed.map(({ request, resolved, survey, clashes }) => ({
        digest: resolved.digest,
        query: { stage: request.target, source: resolved.sourceStage, tags: resolved.tags },
        context: {
          requester: actor.tokenId ?? undefined,
          referrerTypes: survey.referrers.referrerTypes,
          platformReferrers: survey.referrers.platformReferrers,
          existingTargetTags: new Map(clashes.map((c) => [c.tag, c.digest])),
        },
      })),
    );
    return surveyed.map((s, i) => ({ ...s, assessment: assessments[i]! }));
  }

  /** The policy's refusal of a judged request (POLICY_UNMET or TAG_CONFLICT), or null when ready. */
  refusalOf({ request, resolved, assessment, clashes }: Judged) {
    if (assessment.evaluation.ready) return null;
    return refusal(request.target, resolved.digest, assessment, clashes);
  }

  dryRun({ resolved, assessment, survey }: Judged): DryRunView {
    return {
      dryRun: true,
      digest: resolved.digest,
      ready: assessment.evaluation.ready,
      evaluation: assessment.evaluation,
      targets: survey.plans.map((plan, i) =>
        toTargetPlan(resolved.targets[i]!.registry.name, plan),
      ),
    };
  }

  /**
   * A promotion needs its image on record; an unregistered digest is registered for the caller.
   * Looked up before the request's transaction (one read for every judged request): a read on
   * another pool connection while a transaction holds one starves the pool when many requests
   * run at once.
   */
  async imageIdsOf(judged: readonly Judged[], actor: AuditActor): Promise<string[]> {
    const key = (repository: string, digest: string) => `${repository}@${digest}`;
    const known = new Map(
      (
        await this.images.findMany(
          judged.map(({ request, resolved }) => ({
            repository: request.repository,
            digest: resolved.digest,
          })),
        )
      ).map((image) => [key(image.repository, image.digest), image.id]),
    );
    const missing = new Map(
      judged
        .filter(({ request, resolved }) => !known.has(key(request.repository, resolved.digest)))
        .map((j) => [key(j.request.repository, j.resolved.digest), j]),
    );
    await mapLimit([...missing], REGISTERED_AT_ONCE, async ([k, { request, resolved }]) => {
      const { image } = await this.images.register(
        { registry: resolved.source.name, repository: request.repository, digest: resolved.digest },
        actor,
      );
      known.set(k, image.id);
    });
    return judged.map(({ request, resolved }) =>
      known.get(key(request.repository, resolved.digest))!,
    );
  }

  /** Stores a single promotion in `tx` and answers its view, audited and announced. */
  async storeOne(
    judged: Judged,
    imageId: string,
    actor: AuditActor,
    tx: Transaction,
  ): Promise<PromotionView> {
    const id = await this.store(judged, imageId, actor, null, tx);
    const view = await this.transitions.viewIn(id, tx);
    await this.announce([view], actor, tx);
    return view;
  }

  /**
   * Stores the promotion in `tx`: row, tag claims, one target per registry of the stage, the
   * requester noted against the digest. Answers its id; `announce` follows once its view is read
   * (a release reads all its items' views at once).
   */
  async store(
    { request, resolved, assessment, survey }: Judged,
    imageId: string,
    actor: AuditActor,
    release: { id: string; index: number } | null,
    tx: Transaction,
  ): Promise<string> {
    const { plans } = survey;
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
        admittedPolicy: { ...rulesOf(assessment.policy) },
        options: { ...options },
        plan: plans.map((plan, i) => toTargetPlan(resolved.targets[i]!.registry.name, plan)),
        requestedBy: actor.tokenId,
        releaseId: release?.id ?? null,
        releaseIndex: release?.index ?? null,
      },
      tx,
    );
    const destinations = resolved.targets.map((t) => ({
      registryId: t.registry.id,
      repository: resolved.targetRepository,
    }));
    // Issued together, these leave in one write; a tag conflict found by the claim rolls all of
    // it back.
    await settleAll([
      this.gates.notePrincipal(resolved.digest, actor.tokenId, 'requested', tx),
      this.transitions.claim(id, resolved.digest, destinations, resolved.tags, tx),
      settleAll(
        destinations.map((destination, i) =>
          this.promotions.insertTarget(
            id,
            {
              ...destination,
              bytesTotal: plans[i]!.bytesTotal,
              blobsTotal: plans[i]!.blobs.length,
            },
            tx,
          ),
        ),
      ),
    ]);
    return id;
  }

  /** Stored promotions audited (`promotion.requested`) and announced (`promotion.queued`) in `tx`. */
  async announce(views: readonly PromotionView[], actor: AuditActor, tx: Transaction) {
    await settleAll(
      views.flatMap((view) => [
        this.audit.record(
          {
            actor,
            action: 'promotion.requested',
            subject: { type: 'promotion', id: view.id },
            after: view,
          },
          tx,
        ),
        this.events.publish('promotion.queued', view, tx),
      ]),
    );
  }
}
