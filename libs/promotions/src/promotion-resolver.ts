import { CopyEngine, type CopyPlan, type PlanOptions } from '@airlock/copy';
import { AirlockError } from '@airlock/errors';
import { TagLedger } from '@airlock/images';
import { RegistriesService, RegistryClientFactory, type Registry } from '@airlock/registries';
import type { OciRegistry, RegistryClient } from '@airlock/registry-client';
import { StagesService, type StageView } from '@airlock/stages';
import { Injectable } from '@nestjs/common';
import { invalidField, type PromotionRequest } from './promotion-rules';
import { readSourceReferrers, type SourceReferrers } from './source-referrers';

export interface ResolvedTarget {
  registry: Registry;
  client: RegistryClient;
}

/** A request with its names resolved: the digest, the source registry, the target registries. */
export interface Resolved {
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

/** Stages by name and registries by name, as `PromotionResolver.directory` read them. */
export interface Directory {
  stages: Map<string, StageView>;
  registries: Map<string, Registry>;
}

/** What the registries and the tag ledger say about a resolved request, read before judging it. */
export interface Survey {
  /** One per target registry, in the order of `Resolved.targets`. */
  plans: CopyPlan[];
  referrers: SourceReferrers;
  /** Where the requested tags point in the target registries as Airlock last recorded them. */
  recorded: Array<{ registryId: string; tag: string; digest: string }>;
}

/**
 * The reads of a promotion request, all before any transaction opens (a slow registry never
 * holds a connection): stage and registry names → registries, a tag → its digest (once), then
 * the copy plan per target registry, the source's referrers and the recorded target tags.
 */
@Injectable()
export class PromotionResolver {
  constructor(
    private readonly stages: StagesService,
    private readonly registries: RegistriesService,
    private readonly clients: RegistryClientFactory,
    private readonly engine: CopyEngine,
    private readonly tagLedger: TagLedger,
  ) {}

  /**
   * The stages some requests name and their registries, read once for all of them (a release's
   * items share them): two round trips, however many requests.
   */
  async directory(requests: readonly PromotionRequest[]): Promise<Directory> {
    const stages = await this.stages.findMany(requests.flatMap((r) => [r.source, r.target]));
    const names = [...new Set([...stages.values()].flatMap((stage) => stage.registries))];
    const registries = await this.registries.requireMany(names);
    return { stages, registries: new Map(registries.map((r) => [r.name, r])) };
  }

  /** The request's names resolved from the `directory` read for it (and its fellow requests). */
  async resolve(request: PromotionRequest, { stages, registries }: Directory): Promise<Resolved> {
    // A missing source is named first.
    const sourceStage = stageOf(stages, request.source, 'source');
    const targetStage = stageOf(stages, request.target, 'target');
    if (targetStage.members.length === 0) {
      throw new AirlockError(
        'CONFLICT',
        `Stage "${request.target}" has no registries to promote into; an admin adds them with PATCH /api/v1/stages/${request.target}`,
        { details: { stage: request.target } },
      );
    }
    const source = registries.get(sourceRegistryName(request, sourceStage.members))!;
    const targetRegistries = targetStage.members.map((name) => registries.get(name)!);
    const sourceClient = this.clients.clientFor(source);
    const targets = targetRegistries.map((registry) => ({
      registry,
      client: this.clients.clientFor(registry),
    }));
    const digest = request.digest ?? (await resolveTag(sourceClient, source, request));
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

  /** The plans (one per target registry, in parallel), the source's referrers, the recorded tags. */
  async survey(resolved: Resolved, blobs: PlanOptions['blobs'] = 'ask'): Promise<Survey> {
    // Every target's plan and the policy's referrer check read the same source manifest and
    // referrers: asked once for all of them.
    const source = this.clients.readsFor(resolved.source);
    const [plans, referrers, recorded] = await Promise.all([
      Promise.all(resolved.targets.map((target) => this.plan(resolved, source, target, blobs))),
      readSourceReferrers(source, resolved.sourceRepository, resolved.digest),
      this.tagLedger.recorded(
        resolved.targets.map((t) => t.registry.id),
        resolved.targetRepository,
        resolved.tags,
      ),
    ]);
    return { plans, referrers, recorded };
  }

  /** The source's referrers of a stored promotion, judged again on retry as a request is. */
  async referrersOf(registry: string, repository: string, digest: string) {
    const source = await this.registries.require(registry);
    return readSourceReferrers(this.clients.clientFor(source), repository, digest);
  }

  private plan(
    resolved: Resolved,
    source: OciRegistry,
    target: ResolvedTarget,
    blobs: PlanOptions['blobs'],
  ): Promise<CopyPlan> {
    return this.engine.plan(
      {
        source: {
          registry: source,
          repository: resolved.sourceRepository,
          digest: resolved.digest,
        },
        target: {
          registry: target.client,
          repository: resolved.targetRepository,
          tags: resolved.tags,
        },
        options: { referrers: true },
      },
      { blobs },
    );
  }
}

function stageOf(stages: Map<string, StageView>, name: string, field: 'source' | 'target') {
  const stage = stages.get(name);
  if (!stage) throw invalidField(field, 'exists', `${field}: no stage named "${name}"`);
  return { id: stage.id, name: stage.name, members: stage.registries };
}

function sourceRegistryName(request: PromotionRequest, members: string[]): string {
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

async function resolveTag(
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
