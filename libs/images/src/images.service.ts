import { AuditService, type AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import { EventsService } from '@airlock/events';
import { GatesService, type GateHistoryPage, type GateRecord } from '@airlock/gates';
import {
  ImageRepository,
  PromotionRepository,
  TransactionRunner,
  type PromotionRow,
} from '@airlock/persistence';
import { RegistriesService, RegistryClientFactory } from '@airlock/registries';
import { canonicalImageName } from '@airlock/registry-client';
import { decodeCursor, encodeCursor } from '@airlock/validation';
import { Injectable } from '@nestjs/common';
import { BaseDriftService } from './base-drift.service';
import { ImageReader } from './image-reader';
import {
  checkObservedTags,
  checkReference,
  checkRepository,
  DIGEST_PATTERN,
  IMAGE_PAGE_LIMIT,
  throwIfInvalid,
} from './image-rules';
import {
  toImageDetail,
  toImageView,
  type BuildInfo,
  type ImageDetailView,
  type ImagePage,
  type ImageView,
} from './image-view';

export interface RegisterImageRequest {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
  build?: BuildInfo;
}

/** How a registration came about, for callers other than `POST /api/v1/images`. */
export interface RegisterOptions {
  /**
   * Tags the registry itself reported pointing at the digest (a push notification names the tag
   * it was pushed under): recorded as they are, without resolving. For digest registrations.
   */
  observedTags?: string[];
  /** Recorded in the `image.registered` audit entry, e.g. `notification`. */
  source?: string;
}

export const GATE_FILTER_STATUSES = ['passed', 'failed', 'missing'] as const;
export type GateFilterStatus = (typeof GATE_FILTER_STATUSES)[number];

export interface ImageListFilters {
  repository?: string;
  digest?: string;
  /** Images present in a registry of this stage. */
  stage?: string;
  /** With `gateStatus`: images whose newest result of this gate has that status. */
  gate?: string;
  gateStatus?: GateFilterStatus;
  cursor?: string;
  limit?: number;
}

/** Registration: the registry is read outside any transaction, then one short transaction writes. */
@Injectable()
export class ImagesService {
  constructor(
    private readonly images: ImageRepository,
    private readonly registries: RegistriesService,
    private readonly clients: RegistryClientFactory,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly gates: GatesService,
    private readonly promotions: PromotionRepository,
    private readonly events: EventsService,
    private readonly drift: BaseDriftService,
  ) {}

  /** Idempotent per (repository, digest): `created` is false when the image was already known. */
  async register(
    request: RegisterImageRequest,
    actor: AuditActor,
    options: RegisterOptions = {},
  ): Promise<{ image: ImageView; created: boolean }> {
    const observedTags = options.observedTags ?? [];
    throwIfInvalid([
      ...checkRepository(request.repository),
      ...checkReference(request.tag, request.digest),
      ...checkObservedTags(observedTags, request.tag),
    ]);
    const registry = await this.registries.require(request.registry);
    const reader = new ImageReader(this.clients.clientFor(registry), registry.name);
    const digest = request.digest ?? (await reader.resolveTag(request.repository, request.tag!));
    const facts = await reader.read(request.repository, digest);
    return this.transactions.run(async (tx) => {
      const { row, created } = await this.images.insertIfAbsent(
        {
          repository: request.repository,
          digest,
          mediaType: facts.mediaType,
          size: facts.size,
          platforms: facts.platforms as unknown as Array<Record<string, unknown>>,
          annotations: facts.annotations,
          baseName: facts.baseName,
          baseDigest: facts.baseDigest,
          baseRef: facts.baseName === null ? null : (canonicalImageName(facts.baseName) ?? null),
          childDigests: facts.childDigests,
          build: { ...request.build },
          registeredBy: actor.tokenId,
        },
        tx,
      );
      await this.images.upsertLocation(row.id, registry.id, request.repository, tx);
      for (const tag of request.tag === undefined ? observedTags : [request.tag]) {
        const move = await this.images.upsertTag(registry.id, request.repository, tag, digest, tx);
        // A registered image can be a base too (a company base image built by CI).
        await this.drift.tagMoved(
          {
            base: BaseDriftService.locationOf(registry, request.repository, tag),
            archive: [],
            digest,
            previousDigest: move.previousDigest,
          },
          tx,
        );
      }
      const image = toImageView(row);
      if (created) {
        await this.gates.notePrincipal(digest, actor.tokenId, 'registered', tx);
        const after = {
          ...image,
          registry: registry.name,
          tag: request.tag ?? observedTags[0] ?? null,
          ...(options.source === undefined ? {} : { source: options.source }),
        };
        await this.audit.record(
          { actor, action: 'image.registered', subject: { type: 'image', id: row.id }, after },
          tx,
        );
        await this.events.publish('image.registered', after, tx);
      }
      return { image, created };
    });
  }

  /** Newest first, keyset-paged on (created_at, id). */
  async list(filters: ImageListFilters = {}): Promise<ImagePage> {
    const limit = filters.limit ?? IMAGE_PAGE_LIMIT.default;
    throwIfInvalid([
      ...(filters.repository === undefined ? [] : checkRepository(filters.repository)),
      ...(filters.digest === undefined || DIGEST_PATTERN.test(filters.digest)
        ? []
        : [digestProblem()]),
      ...gateFilterProblems(filters),
    ]);
    const before = filters.cursor === undefined ? undefined : decodeCursor(filters.cursor);
    // One row more than asked tells whether another page exists without a count.
    const rows = await this.images.list({
      repository: filters.repository,
      digest: filters.digest,
      stage: filters.stage,
      gate:
        filters.gate === undefined
          ? undefined
          : { name: filters.gate, status: filters.gateStatus ?? 'passed' },
      before,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toImageView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAtKey, last.id) : null,
    };
  }

  /** Every registered image with this digest (one per repository), with locations and tags. */
  async show(digest: string, repository?: string): Promise<ImageDetailView[]> {
    throwIfInvalid([
      ...(DIGEST_PATTERN.test(digest) ? [] : [digestProblem()]),
      ...(repository === undefined ? [] : checkRepository(repository)),
    ]);
    const rows = await this.images.byDigest(digest, repository);
    if (rows.length === 0) {
      const where = repository === undefined ? '' : ` in repository "${repository}"`;
      throw new AirlockError('NOT_FOUND', `No image ${digest}${where} is registered`, {
        details: { digest, repository },
      });
    }
    const [locations, tags] = await Promise.all([
      this.images.locationsOf(rows.map((r) => r.id)),
      this.images.tagsOf(digest),
    ]);
    return rows.map((row) => toImageDetail(row, locations, tags));
  }

  /**
   * Everything known about a digest: the image in each repository (locations, tags), its gate
   * ledger (the newest result per gate and the recent history) and its promotions, newest first.
   */
  async lookup(digest: string, repository?: string): Promise<ImageLookup> {
    const items = await this.show(digest, repository);
    const [latest, history, promotions] = await Promise.all([
      this.gates.latest(digest),
      this.gates.history(digest, { limit: LOOKUP_HISTORY }),
      this.promotions.ofImages(
        items.map((i) => i.id),
        LOOKUP_PROMOTIONS,
      ),
    ]);
    return {
      digest,
      items,
      gates: { latest, history },
      promotions: promotions.map(toPromotionSummary),
    };
  }
}

const LOOKUP_HISTORY = 20;
const LOOKUP_PROMOTIONS = 20;

export interface PromotionSummary {
  id: string;
  status: string;
  source: { stage: string | null; registry: string; repository: string };
  targetStage: string;
  tags: string[];
  error: { code: string; message: string } | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface ImageLookup {
  digest: string;
  items: ImageDetailView[];
  gates: { latest: GateRecord[]; history: GateHistoryPage };
  promotions: PromotionSummary[];
}

function toPromotionSummary(row: PromotionRow): PromotionSummary {
  return {
    id: row.id,
    status: row.status,
    source: {
      stage: row.sourceStage,
      registry: row.sourceRegistry,
      repository: row.sourceRepository,
    },
    targetStage: row.targetStage,
    tags: row.tags,
    error: row.errorCode === null ? null : { code: row.errorCode, message: row.errorMessage ?? '' },
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}

function gateFilterProblems(filters: ImageListFilters) {
  if (filters.gateStatus !== undefined && filters.gate === undefined) {
    return [
      {
        field: 'gateStatus',
        rule: 'requires',
        message: 'gateStatus needs gate: the gate whose newest result to filter on',
      },
    ];
  }
  return [];
}

function digestProblem() {
  return {
    field: 'digest',
    rule: 'digest',
    message: 'digest must be sha256:<64 lowercase hex characters>',
  };
}
