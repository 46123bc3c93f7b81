import { AuditService, type AuditActor } from '@airlock/audit';
import type { TagConflict } from '@airlock/copy';
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
    const resolved = await this.resolver.resolve(request);
    // A dry run answers exactly what the copy would move; an accepted request's copy asks about
    // each blob as it goes (PlanOptions), so its plan spends no request per blob before it.
    const survey = await this.resolver.survey(resolved, request.dryRun ? 'ask' : 'expect');
    const clashes = tagClashes(resolved, survey);
    const { referrers } = survey;
    const assessment = await this.readiness.assess(
      resolved.digest,
      { stage: request.target, source: resolved.sourceStage, tags: resolved.tags },
      {
        requester: actor.tokenId ?? undefined,
        referrerTypes: referrers.referrerTypes,
        platformReferrers: referrers.platformReferrers,
        existingTargetTags: new Map(clashes.map((c) => [c.tag, c.digest])),
      },
    );
    return { request, resolved, survey, clashes, assessment };
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
   * Looked up before the request's transaction: a read on another pool connection while a
   * transaction holds one starves the pool when many requests run at once.
   */
  async imageIdOf({ request, resolved }: Judged, actor: AuditActor): Promise<string> {
    const known = await this.images.find(resolved.digest, request.repository);
    if (known) return known.id;
    const { image } = await this.images.register(
      { registry: resolved.source.name, repository: request.repository, digest: resolved.digest },
      actor,
    );
    return image.id;
  }

  /** Stores the promotion in `tx`: row, tag claims, targets, audit, event. */
  async store(
    { request, resolved, assessment, survey }: Judged,
    imageId: string,
    actor: AuditActor,
    release: { id: string; index: number } | null,
    tx: Transaction,
  ): Promise<PromotionView> {
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
    // Issued together, these leave in one write and run in this order, the view reading what
    // the inserts before it wrote; a tag conflict found by the claim rolls all of it back.
    const [, , , view] = await settleAll([
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
      this.transitions.viewIn(id, tx),
    ]);
    await settleAll([
      this.audit.record(
        { actor, action: 'promotion.requested', subject: { type: 'promotion', id }, after: view },
        tx,
      ),
      this.events.publish('promotion.queued', view, tx),
    ]);
    return view;
  }
}
