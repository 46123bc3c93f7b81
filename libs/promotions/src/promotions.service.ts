import { AuditService, type AuditActor } from '@airlock/audit';
import { CopyEngine, tagConflictError, type CopyPlan, type TagConflict } from '@airlock/copy';
import { AirlockError } from '@airlock/errors';
import { EventsService } from '@airlock/events';
import { GatesService } from '@airlock/gates';
import { ImagesService, TagLedger } from '@airlock/images';
import {
  IdempotencyKeyRepository,
  PromotionRepository,
  TransactionRunner,
  type PromotionStatus,
  type Transaction,
} from '@airlock/persistence';
import { METRICS } from '@airlock/observability';
import { ReadinessService, type Assessment } from '@airlock/policies';
import { RegistriesService, RegistryClientFactory, type Registry } from '@airlock/registries';
import type { RegistryClient } from '@airlock/registry-client';
import { decodeCursor, encodeCursor } from '@airlock/validation';
import { StagesService } from '@airlock/stages';
import { Injectable } from '@nestjs/common';
import { PromotionJobs } from './promotion-jobs';
import {
  checkIdempotencyKey,
  checkPromotionRequest,
  invalidField,
  PROMOTION_PAGE_LIMIT,
  requestHash,
  throwIfInvalid,
  type PromotionRequest,
} from './promotion-rules';
import { toPromotionView, type PromotionPage, type PromotionView } from './promotion-view';
import { toTargetPlan, type DryRunView, type TargetPlanView } from './plan-view';
import { readSourceReferrers } from './source-referrers';

/** The answer to a promotion request: what to send and with which HTTP status. */
export interface PromotionAnswer {
  status: 200 | 202;
  body: PromotionView | DryRunView;
  /** The body is the stored answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

export interface PromotionListFilters {
  digest?: string;
  stage?: string;
  status?: PromotionStatus;
  cursor?: string;
  limit?: number;
}

/**
 * Copy options fixed at request time and read by the worker. Every referrer of every manifest
 * copied travels; the policy's referrer lists only decide admission. (Rows stored before this
 * also hold `referrerTypes`, which is no longer read.)
 */
export interface PromotionOptions {
  allowTagOverwrite: boolean;
}

interface ResolvedTarget {
  registry: Registry;
  client: RegistryClient;
}

interface Resolved {
  digest: string;
  sourceStage: string;
  source: Registry;
  sourceClient: RegistryClient;
  sourceRepository: string;
  targetStageId: string;
  targets: ResolvedTarget[];
  targetRepository: string;
  tags: string[];
}

/** Thrown inside the request transaction when a concurrent request stored the same key first. */
class KeyTakenMeanwhile extends Error {}

/**
 * Promotion requests: resolve, plan (reads only), judge against the target stage's policy, then
 * in one transaction claim the tags and store the promotion with one target per registry of the
 * stage; the queue jobs follow the commit. Status, cancel and retry.
 */
@Injectable()
export class PromotionsService {
  constructor(
    private readonly promotions: PromotionRepository,
    private readonly idempotency: IdempotencyKeyRepository,
    private readonly imagesService: ImagesService,
    private readonly tagLedger: TagLedger,
    private readonly stages: StagesService,
    private readonly registries: RegistriesService,
    private readonly clients: RegistryClientFactory,
    private readonly readiness: ReadinessService,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly jobs: PromotionJobs,
    private readonly engine: CopyEngine,
    private readonly events: EventsService,
    private readonly gates: GatesService,
  ) {}

  async request(
    request: PromotionRequest,
    actor: AuditActor,
    idempotencyKey?: string,
  ): Promise<PromotionAnswer> {
    throwIfInvalid([...checkPromotionRequest(request), ...checkIdempotencyKey(idempotencyKey)]);
    const key = request.dryRun || !actor.tokenId ? undefined : idempotencyKey;
    const hash = requestHash(request);
    if (key) {
      const replay = await this.replay(actor.tokenId!, key, hash);
      if (replay) return replay;
    }
    const resolved = await this.resolve(request);
    const [plans, referrers, recorded] = await Promise.all([
      this.plan(resolved),
      readSourceReferrers(resolved.sourceClient, resolved.sourceRepository, resolved.digest),
      this.tagLedger.recorded(
        resolved.targets.map((t) => t.registry.id),
        resolved.targetRepository,
        resolved.tags,
      ),
    ]);
    const clashes = tagClashes(resolved, plans, recorded);
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
    if (request.dryRun) {
      METRICS.promotionRequests.inc({ stage: request.target, result: 'dry_run' });
      return this.dryRunAnswer(resolved, assessment, plans);
    }
    if (!assessment.evaluation.ready) {
      METRICS.promotionRequests.inc({ stage: request.target, result: 'refused' });
      throw refusal(request.target, resolved.digest, assessment, clashes);
    }
    const imageId = await this.registeredImageId(request, resolved, actor);
    try {
      return await this.transactions
        .run(async (tx) => {
          if (key && !(await this.idempotency.store(actor.tokenId!, key, pending(hash), tx)))
            throw new KeyTakenMeanwhile();
          const view = await this.create(
            { ...resolved, imageId },
            request,
            assessment,
            plans,
            actor,
            tx,
          );
          if (key) await this.idempotency.complete(actor.tokenId!, key, view, tx);
          return { status: 202 as const, body: view, replayed: false };
        })
        .then(async (answer) => {
          METRICS.promotionRequests.inc({ stage: request.target, result: 'accepted' });
          await this.jobs.enqueueAfterCommit(
            (answer.body as PromotionView).targets.map((t) => ({ id: t.id, run: t.run })),
          );
          return answer;
        });
    } catch (error) {
      if (!(error instanceof KeyTakenMeanwhile)) throw error;
      return (await this.replay(actor.tokenId!, key!, hash))!;
    }
  }

  async show(id: string): Promise<PromotionView> {
    const row = await this.promotions.find(checkId(id));
    if (!row) throw notFound(id);
    return toPromotionView(row, await this.promotions.targetsOf([row.id]));
  }

  /** Newest first, keyset-paged on (created_at, id). */
  async list(filters: PromotionListFilters = {}): Promise<PromotionPage> {
    const limit = filters.limit ?? PROMOTION_PAGE_LIMIT.default;
    const before = filters.cursor === undefined ? undefined : decodeCursor(filters.cursor);
    const rows = await this.promotions.list({
      digest: filters.digest,
      stage: filters.stage,
      status: filters.status,
      before,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const targets = await this.promotions.targetsOf(page.map((r) => r.id));
    const last = page[page.length - 1];
    return {
      items: page.map((row) => toPromotionView(row, targets)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAtKey, last.id) : null,
    };
  }

  /**
   * Queued or running → cancelled, tags released. A copy in flight stops at its next progress
   * write; tags are written last, so a cancelled promotion never tags anything it had not tagged.
   */
  async cancel(id: string, actor: AuditActor): Promise<PromotionView> {
    const view = await this.transactions.run(async (tx) => {
      const row = await this.promotions.find(checkId(id), tx, true);
      if (!row) throw notFound(id);
      if (row.status !== 'queued' && row.status !== 'running') {
        throw new AirlockError(
          'CONFLICT',
          `Promotion ${id} is ${row.status}; only a queued or running promotion can be cancelled`,
          { details: { id, status: row.status } },
        );
      }
      const before = toPromotionView(row, await this.promotions.targetsOf([id], tx));
      await this.promotions.cancelTargets(id, tx);
      await this.promotions.setStatus(
        id,
        { status: 'cancelled', errorCode: 'CANCELLED', errorMessage: `Cancelled by ${actor.name}` },
        tx,
      );
      await this.tagLedger.release(id, tx);
      const after = await this.viewIn(id, tx);
      await this.audit.record(
        { actor, action: 'promotion.cancelled', subject: { type: 'promotion', id }, before, after },
        tx,
      );
      return after;
    });
    METRICS.promotions.inc({ stage: view.target.stage, outcome: 'cancelled' });
    for (const target of view.targets) await this.jobs.discard(target);
    return view;
  }

  /**
   * A failed or cancelled promotion runs again: its policy is judged again (a gate may have failed
   * since), its tags claimed again, and every target that did not succeed gets a new job.
   */
  async retry(id: string, actor: AuditActor): Promise<PromotionView> {
    const current = await this.show(id);
    if (current.status !== 'failed' && current.status !== 'cancelled') {
      throw new AirlockError(
        'CONFLICT',
        `Promotion ${id} is ${current.status}; only a failed or cancelled promotion can be retried`,
        { details: { id, status: current.status } },
      );
    }
    // Judged on the source's referrers as a request is, else a policy requiring some never holds.
    const source = await this.registries.require(current.source.registry);
    const referrers = await readSourceReferrers(
      this.clients.clientFor(source),
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
    if (!assessment.evaluation.ready)
      throw refusal(current.target.stage, current.digest, assessment, []);
    const view = await this.transactions.run(async (tx) => {
      const row = await this.promotions.find(id, tx, true);
      if (!row || (row.status !== 'failed' && row.status !== 'cancelled')) {
        throw new AirlockError('CONFLICT', `Promotion ${id} changed meanwhile; try again`, {
          details: { id, status: row?.status },
        });
      }
      const targets = await this.promotions.targetsOf([id], tx);
      await this.claim(
        id,
        row.digest,
        targets.map((t) => ({ registryId: t.registryId, repository: t.repository })),
        row.tags,
        tx,
      );
      await this.promotions.requeueUnfinished(id, tx);
      await this.promotions.setStatus(id, { status: 'queued' }, tx);
      const after = await this.viewIn(id, tx);
      await this.audit.record(
        {
          actor,
          action: 'promotion.retried',
          subject: { type: 'promotion', id },
          before: current,
          after,
        },
        tx,
      );
      return after;
    });
    await this.jobs.enqueueAfterCommit(view.targets.filter((t) => t.status === 'queued'));
    return view;
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

  private async resolve(request: PromotionRequest): Promise<Resolved> {
    const sourceStage = await this.stage(request.source, 'source');
    const targetStage = await this.stage(request.target, 'target');
    if (targetStage.members.length === 0) {
      throw new AirlockError(
        'CONFLICT',
        `Stage "${request.target}" has no registries to promote into; an admin adds them with PATCH /api/v1/stages/${request.target}`,
        { details: { stage: request.target } },
      );
    }
    const sourceName = this.sourceRegistryName(request, sourceStage.members);
    const source = await this.registries.require(sourceName);
    const sourceClient = this.clients.clientFor(source);
    const targets = await Promise.all(
      targetStage.members.map(async (name) => {
        const registry = await this.registries.require(name);
        return { registry, client: this.clients.clientFor(registry) };
      }),
    );
    const digest = request.digest ?? (await this.resolveTag(sourceClient, source, request));
    return {
      digest,
      sourceStage: sourceStage.name,
      source,
      sourceClient,
      sourceRepository: request.repository,
      targetStageId: targetStage.id,
      targets,
      targetRepository: request.targetRepository ?? request.repository,
      tags: request.tags ?? [],
    };
  }

  private async stage(name: string, field: 'source' | 'target') {
    const stage = await this.stages.find(name);
    if (!stage) throw invalidField(field, 'exists', `${field}: no stage named "${name}"`);
    return { id: stage.id, name: stage.name, members: stage.registries };
  }

  private sourceRegistryName(request: PromotionRequest, members: string[]): string {
    if (request.sourceRegistry !== undefined) {
      if (!members.includes(request.sourceRegistry)) {
        throw invalidField(
          'sourceRegistry',
          'memberOfSource',
          `sourceRegistry: "${request.sourceRegistry}" does not serve stage "${request.source}" (its registries: ${members.join(', ') || 'none'})`,
        );
      }
      return request.sourceRegistry;
    }
    if (members.length === 1) return members[0]!;
    throw invalidField(
      'sourceRegistry',
      'required',
      members.length === 0
        ? `source: stage "${request.source}" has no registries`
        : `sourceRegistry is required: stage "${request.source}" is served by ${members.join(', ')}`,
    );
  }

  private async resolveTag(
    client: RegistryClient,
    source: Registry,
    request: PromotionRequest,
  ): Promise<string> {
    const found = await client.headManifest(request.repository, request.tag!);
    if (!found) {
      throw new AirlockError(
        'NOT_FOUND',
        `Tag ${request.repository}:${request.tag} does not exist in registry "${source.name}"`,
        { details: { registry: source.name, repository: request.repository, tag: request.tag } },
      );
    }
    return found.digest;
  }

  /** One plan per target registry, in parallel; reads only. */
  private plan(resolved: Resolved): Promise<CopyPlan[]> {
    return Promise.all(
      resolved.targets.map((target) =>
        this.engine.plan({
          source: {
            registry: resolved.sourceClient,
            repository: resolved.sourceRepository,
            digest: resolved.digest,
          },
          target: {
            registry: target.client,
            repository: resolved.targetRepository,
            tags: resolved.tags,
          },
          options: { referrers: true },
        }),
      ),
    );
  }

  private dryRunAnswer(
    resolved: Resolved,
    assessment: Assessment,
    plans: CopyPlan[],
  ): PromotionAnswer {
    const body: DryRunView = {
      dryRun: true,
      digest: resolved.digest,
      ready: assessment.evaluation.ready,
      evaluation: assessment.evaluation,
      targets: plans.map((plan, i) => toTargetPlan(resolved.targets[i]!.registry.name, plan)),
    };
    return { status: 200, body, replayed: false };
  }

  /**
   * A promotion needs its image on record; an unregistered digest is registered for the caller.
   * Looked up before the request's transaction: a read on another pool connection while a
   * transaction holds one starves the pool when many requests run at once.
   */
  private async registeredImageId(
    request: PromotionRequest,
    resolved: Resolved,
    actor: AuditActor,
  ): Promise<string> {
    const known = await this.imagesService.find(resolved.digest, request.repository);
    if (known) return known.id;
    const { image } = await this.imagesService.register(
      { registry: resolved.source.name, repository: request.repository, digest: resolved.digest },
      actor,
    );
    return image.id;
  }

  private async create(
    resolved: Resolved & { imageId: string },
    request: PromotionRequest,
    assessment: Assessment,
    plans: CopyPlan[],
    actor: AuditActor,
    tx: Transaction,
  ): Promise<PromotionView> {
    const options: PromotionOptions = { allowTagOverwrite: !assessment.policy.immutableTags };
    const planViews: TargetPlanView[] = plans.map((plan, i) =>
      toTargetPlan(resolved.targets[i]!.registry.name, plan),
    );
    const id = await this.promotions.insert(
      {
        imageId: resolved.imageId,
        digest: resolved.digest,
        sourceRegistryId: resolved.source.id,
        sourceRepository: request.repository,
        sourceTag: request.tag ?? null,
        sourceStage: resolved.sourceStage,
        targetStageId: resolved.targetStageId,
        tags: resolved.tags,
        evidence: evidenceOf(assessment),
        options: { ...options },
        plan: planViews,
        requestedBy: actor.tokenId,
      },
      tx,
    );
    await this.gates.notePrincipal(resolved.digest, actor.tokenId, 'requested', tx);
    const destinations = resolved.targets.map((t) => ({
      registryId: t.registry.id,
      repository: resolved.targetRepository,
    }));
    await this.claim(id, resolved.digest, destinations, resolved.tags, tx);
    for (const [i, destination] of destinations.entries()) {
      await this.promotions.insertTarget(
        id,
        {
          ...destination,
          bytesTotal: plans[i]!.bytesTotal,
          blobsTotal: plans[i]!.blobs.length,
        },
        tx,
      );
    }
    const view = await this.viewIn(id, tx);
    await this.audit.record(
      { actor, action: 'promotion.requested', subject: { type: 'promotion', id }, after: view },
      tx,
    );
    await this.events.publish('promotion.queued', view, tx);
    return view;
  }

  /** Holds the tags in every target for this promotion; another digest holding one → TAG_CONFLICT. */
  private async claim(
    promotionId: string,
    digest: string,
    destinations: Array<{ registryId: string; repository: string }>,
    tags: string[],
    tx: Transaction,
  ): Promise<void> {
    const claims = destinations.flatMap((d) => tags.map((tag) => ({ ...d, tag })));
    const conflicts = await this.tagLedger.claim(promotionId, digest, claims, tx);
    if (conflicts.length > 0)
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

  private async viewIn(id: string, tx: Transaction): Promise<PromotionView> {
    const row = await this.promotions.find(id, tx);
    return toPromotionView(row!, await this.promotions.targetsOf([id], tx));
  }
}

/** Requested tags that point at another digest in a target registry now (live or as recorded). */
function tagClashes(
  resolved: Resolved,
  plans: CopyPlan[],
  recorded: Array<{ registryId: string; tag: string; digest: string }>,
): TagConflict[] {
  const clashes = new Map<string, TagConflict>();
  const add = (registry: string, tag: string, digest: string) => {
    if (digest === resolved.digest) return;
    clashes.set(`${registry}:${tag}`, {
      registry,
      repository: resolved.targetRepository,
      tag,
      digest,
      requestedDigest: resolved.digest,
    });
  };
  for (const row of recorded) {
    const target = resolved.targets.find((t) => t.registry.id === row.registryId);
    if (target) add(target.registry.name, row.tag, row.digest);
  }
  plans.forEach((plan, i) => {
    for (const collision of plan.tagCollisions)
      add(resolved.targets[i]!.registry.name, collision.tag, collision.currentDigest);
  });
  return [...clashes.values()].sort(
    (a, b) => a.registry.localeCompare(b.registry) || a.tag.localeCompare(b.tag),
  );
}

function evidenceOf(assessment: Assessment): unknown[] {
  return [
    ...assessment.latestGates.map((g) => ({
      gate: g.gate,
      status: g.status,
      approval: g.approval,
      resultId: g.id,
      url: g.url,
      recordedBy: g.recordedByName,
      recordedAt: g.recordedAt,
    })),
    ...assessment.approvers.map((a) => ({
      gate: a.gate,
      status: a.status,
      approval: true,
      approver: a.approverName ?? a.approverId,
    })),
  ];
}

function pending(hash: string) {
  return { requestHash: hash, status: 202, body: null };
}

/**
 * Why the policy refuses: an immutable tag that already points at another digest is the one
 * TAG_CONFLICT (whichever layer sees it); anything else is POLICY_UNMET. Both list every violation.
 */
function refusal(
  stage: string,
  digest: string,
  assessment: Assessment,
  clashes: TagConflict[],
): AirlockError {
  const { evaluation } = assessment;
  const verdict = {
    stage,
    digest,
    missing: evaluation.missing,
    failed: evaluation.failed,
    satisfied: evaluation.satisfied,
    violations: evaluation.violations,
  };
  // The evaluator raises immutableTag exactly for the clashes it was given.
  const conflicts = evaluation.violations.some((v) => v.rule === 'immutableTag') ? clashes : [];
  if (conflicts.length > 0) return tagConflictError(conflicts, verdict);
  return new AirlockError(
    'POLICY_UNMET',
    `The policy of stage "${stage}" does not admit ${digest}: ${evaluation.violations.map((v) => v.message).join('; ')}`,
    { details: verdict },
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
function checkId(id: string): string {
  if (!UUID.test(id)) throw invalidField('id', 'uuid', 'id must be a promotion id (a UUID)');
  return id;
}

function notFound(id: string): AirlockError {
  return new AirlockError('NOT_FOUND', `No promotion ${id}`, { details: { id } });
}
