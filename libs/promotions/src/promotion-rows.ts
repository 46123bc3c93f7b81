import { columns, raw } from '@airlock/persistence';
import type { KeysetPosition } from '@airlock/validation';

// The rows of promotions and their targets as PromotionRepository reads them, and their columns.

export const PROMOTION_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type PromotionStatus = (typeof PROMOTION_STATUSES)[number];
export const ACTIVE_STATUSES: readonly PromotionStatus[] = ['queued', 'running'];

/** One `promotions` row with the names it refers to. */
export interface PromotionRow {
  id: string;
  imageId: string;
  digest: string;
  sourceRegistryId: string;
  sourceRegistry: string;
  sourceRepository: string;
  sourceTag: string | null;
  sourceStage: string | null;
  targetStageId: string;
  targetStage: string;
  tags: string[];
  status: PromotionStatus;
  evidence: unknown[];
  /** The stage policy's rules as they admitted it (null for promotions made before they were kept). */
  admittedPolicy: Record<string, unknown> | null;
  options: Record<string, unknown>;
  plan: unknown[];
  requestedBy: string | null;
  requestedByName: string | null;
  /** The release it is an item of (its tags are written by the release's commit), or null. */
  releaseId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
  /** created_at as Postgres prints it (microseconds kept): half of the keyset cursor. */
  createdAtKey: string;
}

export type NewPromotion = Pick<
  PromotionRow,
  | 'imageId'
  | 'digest'
  | 'sourceRegistryId'
  | 'sourceRepository'
  | 'sourceTag'
  | 'sourceStage'
  | 'targetStageId'
  | 'tags'
  | 'evidence'
  | 'admittedPolicy'
  | 'options'
  | 'plan'
  | 'requestedBy'
  | 'releaseId'
> & {
  /** Its place among the release's items (with releaseId). */
  releaseIndex?: number | null;
};

/** One `promotion_targets` row: the copy into one registry of the target stage. */
export interface PromotionTargetRow {
  id: string;
  promotionId: string;
  registryId: string;
  registry: string;
  repository: string;
  status: PromotionStatus;
  bytesDone: number;
  bytesTotal: number;
  blobsDone: number;
  blobsTotal: number;
  attempts: number;
  /** 1, then +1 per retry: each run is its own queue job. */
  run: number;
  result: Record<string, unknown> | null;
  errorCode: string | null;
  errorMessage: string | null;
  startedAt: Date | null;
  /** A release item's copy landed (blobs, manifests, referrers; no tags yet): waits for the commit. */
  stagedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

export interface TargetProgress {
  bytesDone: number;
  bytesTotal: number;
  blobsDone: number;
  blobsTotal: number;
}

export interface TargetOutcome {
  status: PromotionStatus;
  errorCode?: string | null;
  errorMessage?: string | null;
  result?: Record<string, unknown> | null;
}

export interface PromotionListQuery {
  digest?: string;
  stage?: string;
  status?: PromotionStatus;
  before?: KeysetPosition;
  limit: number;
}

export const PROMOTION = columns<PromotionRow>({
  id: 'p.id',
  imageId: 'p.image_id',
  digest: 'p.digest',
  sourceRegistryId: 'p.source_registry_id',
  sourceRegistry: 'sr.name',
  sourceRepository: 'p.source_repository',
  sourceTag: 'p.source_tag',
  sourceStage: 'p.source_stage',
  targetStageId: 'p.target_stage_id',
  targetStage: 'st.name',
  tags: 'p.tags',
  status: 'p.status',
  evidence: 'p.evidence',
  admittedPolicy: 'p.admitted_policy',
  options: 'p.options',
  plan: 'p.plan',
  requestedBy: 'p.requested_by',
  requestedByName: 'tk.name',
  releaseId: 'p.release_id',
  errorCode: 'p.error_code',
  errorMessage: 'p.error_message',
  createdAt: 'p.created_at',
  startedAt: 'p.started_at',
  finishedAt: 'p.finished_at',
  updatedAt: 'p.updated_at',
  createdAtKey: 'p.created_at::text',
});

export const PROMOTION_FROM = raw(`promotions p
  JOIN registries sr ON sr.id = p.source_registry_id
  JOIN stages st ON st.id = p.target_stage_id
  LEFT JOIN api_tokens tk ON tk.id = p.requested_by`);

export const TARGET = columns<PromotionTargetRow>({
  id: 't.id',
  promotionId: 't.promotion_id',
  registryId: 't.registry_id',
  registry: 'r.name',
  repository: 't.repository',
  status: 't.status',
  bytesDone: 't.bytes_done::float8',
  bytesTotal: 't.bytes_total::float8',
  blobsDone: 't.blobs_done',
  blobsTotal: 't.blobs_total',
  attempts: 't.attempts',
  run: 't.run',
  result: 't.result',
  errorCode: 't.error_code',
  errorMessage: 't.error_message',
  startedAt: 't.started_at',
  stagedAt: 't.staged_at',
  finishedAt: 't.finished_at',
  updatedAt: 't.updated_at',
});

export const TARGET_FROM = raw('promotion_targets t JOIN registries r ON r.id = t.registry_id');

/** `promotions` and `promotion_targets` (tag claims are @airlock/images' TagLedger). The rules live in @airlock/promotions. */
