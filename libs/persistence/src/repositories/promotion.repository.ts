import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { managerOf, type Transaction } from '../transaction';

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
  options: Record<string, unknown>;
  plan: unknown[];
  requestedBy: string | null;
  requestedByName: string | null;
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
  | 'options'
  | 'plan'
  | 'requestedBy'
>;

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
  before?: { createdAtKey: string; id: string };
  limit: number;
}

const PROMOTION_COLUMNS = `p.id, p.image_id AS "imageId", p.digest, p.source_registry_id AS "sourceRegistryId",
  sr.name AS "sourceRegistry", p.source_repository AS "sourceRepository", p.source_tag AS "sourceTag", p.source_stage AS "sourceStage",
  p.target_stage_id AS "targetStageId", st.name AS "targetStage", p.tags, p.status, p.evidence, p.options, p.plan,
  p.requested_by AS "requestedBy", tk.name AS "requestedByName", p.error_code AS "errorCode",
  p.error_message AS "errorMessage", p.created_at AS "createdAt", p.started_at AS "startedAt",
  p.finished_at AS "finishedAt", p.updated_at AS "updatedAt", p.created_at::text AS "createdAtKey"`;

const PROMOTION_FROM = `promotions p
  JOIN registries sr ON sr.id = p.source_registry_id
  JOIN stages st ON st.id = p.target_stage_id
  LEFT JOIN api_tokens tk ON tk.id = p.requested_by`;

const TARGET_COLUMNS = `t.id, t.promotion_id AS "promotionId", t.registry_id AS "registryId", r.name AS registry,
  t.repository, t.status, t.bytes_done::float8 AS "bytesDone", t.bytes_total::float8 AS "bytesTotal",
  t.blobs_done AS "blobsDone", t.blobs_total AS "blobsTotal", t.attempts, t.run, t.result,
  t.error_code AS "errorCode", t.error_message AS "errorMessage", t.started_at AS "startedAt",
  t.finished_at AS "finishedAt", t.updated_at AS "updatedAt"`;

/** `promotions` and `promotion_targets` (tag claims are @airlock/images' TagLedger). The rules live in @airlock/promotions. */
@Injectable()
export class PromotionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(promotion: NewPromotion, tx: Transaction): Promise<string> {
    const rows: Array<{ id: string }> = await this.query(tx)(
      `INSERT INTO promotions (image_id, digest, source_registry_id, source_repository, source_tag,
         target_stage_id, tags, status, evidence, options, plan, requested_by, source_stage)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], 'queued', $8::jsonb, $9::jsonb, $10::jsonb, $11, $12)
       RETURNING id`,
      [
        promotion.imageId,
        promotion.digest,
        promotion.sourceRegistryId,
        promotion.sourceRepository,
        promotion.sourceTag,
        promotion.targetStageId,
        promotion.tags,
        JSON.stringify(promotion.evidence),
        JSON.stringify(promotion.options),
        JSON.stringify(promotion.plan),
        promotion.requestedBy,
        promotion.sourceStage,
      ],
    );
    return rows[0]!.id;
  }

  async insertTarget(
    promotionId: string,
    target: { registryId: string; repository: string; bytesTotal: number; blobsTotal: number },
    tx: Transaction,
  ): Promise<string> {
    const rows: Array<{ id: string }> = await this.query(tx)(
      `INSERT INTO promotion_targets (promotion_id, registry_id, repository, status, bytes_total, blobs_total)
       VALUES ($1, $2, $3, 'queued', $4, $5) RETURNING id`,
      [promotionId, target.registryId, target.repository, target.bytesTotal, target.blobsTotal],
    );
    return rows[0]!.id;
  }

  /** With `lock`, the row stays locked until `tx` ends (serialises settling a promotion). */
  async find(id: string, tx?: Transaction, lock = false): Promise<PromotionRow | null> {
    if (lock) await this.query(tx)(`SELECT 1 FROM promotions WHERE id = $1 FOR UPDATE`, [id]);
    const rows: PromotionRow[] = await this.query(tx)(
      `SELECT ${PROMOTION_COLUMNS} FROM ${PROMOTION_FROM} WHERE p.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Newest first, keyset-paged on (created_at, id). */
  list(query: PromotionListQuery): Promise<PromotionRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.digest !== undefined) where.push(`p.digest = ${param(query.digest)}`);
    if (query.stage !== undefined) where.push(`st.name = ${param(query.stage)}`);
    if (query.status !== undefined) where.push(`p.status = ${param(query.status)}`);
    if (query.before) {
      where.push(
        `(p.created_at, p.id) < (${param(query.before.createdAtKey)}::timestamptz, ${param(query.before.id)}::uuid)`,
      );
    }
    const limit = param(query.limit);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    return this.query()(
      `SELECT ${PROMOTION_COLUMNS} FROM ${PROMOTION_FROM} ${filter}
       ORDER BY p.created_at DESC, p.id DESC LIMIT ${limit}`,
      params,
    );
  }

  /** Promotions of one image (newest first), for the image view. */
  ofImages(imageIds: string[], limit: number): Promise<PromotionRow[]> {
    return this.query()(
      `SELECT ${PROMOTION_COLUMNS} FROM ${PROMOTION_FROM} WHERE p.image_id = ANY($1::uuid[])
       ORDER BY p.created_at DESC, p.id DESC LIMIT $2`,
      [imageIds, limit],
    );
  }

  targetsOf(promotionIds: string[], tx?: Transaction): Promise<PromotionTargetRow[]> {
    return this.query(tx)(
      `SELECT ${TARGET_COLUMNS} FROM promotion_targets t JOIN registries r ON r.id = t.registry_id
        WHERE t.promotion_id = ANY($1::uuid[]) ORDER BY r.name`,
      [promotionIds],
    );
  }

  async findTarget(id: string, tx?: Transaction): Promise<PromotionTargetRow | null> {
    const rows: PromotionTargetRow[] = await this.query(tx)(
      `SELECT ${TARGET_COLUMNS} FROM promotion_targets t JOIN registries r ON r.id = t.registry_id
        WHERE t.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * The target starts (or starts again): running, one more attempt. Null when it is no longer
   * active (cancelled, or finished by an earlier run). The promotion becomes running with it.
   */
  async startTarget(id: string, tx: Transaction): Promise<PromotionTargetRow | null> {
    const started: Array<{ promotionId: string }> = await this.query(tx)(
      `WITH started AS (
         UPDATE promotion_targets t SET status = 'running', attempts = attempts + 1,
                started_at = COALESCE(started_at, now()), updated_at = now()
          WHERE t.id = $1 AND t.status IN ('queued', 'running')
            AND EXISTS (SELECT 1 FROM promotions p WHERE p.id = t.promotion_id AND p.status IN ('queued', 'running'))
          RETURNING t.promotion_id AS "promotionId")
       SELECT * FROM started`,
      [id],
    );
    if (!started[0]) return null;
    await this.query(tx)(
      `UPDATE promotions SET status = 'running', started_at = COALESCE(started_at, now()), updated_at = now()
        WHERE id = $1 AND status = 'queued'`,
      [started[0].promotionId],
    );
    return this.findTarget(id, tx);
  }

  /**
   * A running copy's heartbeat, with its progress when it has some. Answers the target's status,
   * so the copy learns it was cancelled.
   */
  async recordProgress(id: string, progress?: TargetProgress): Promise<PromotionStatus | null> {
    const rows: Array<{ status: PromotionStatus }> = progress
      ? await this.query()(
          `WITH updated AS (
             UPDATE promotion_targets SET bytes_done = $2, bytes_total = $3, blobs_done = $4,
                    blobs_total = $5, updated_at = now()
              WHERE id = $1 RETURNING status)
           SELECT status FROM updated`,
          [id, progress.bytesDone, progress.bytesTotal, progress.blobsDone, progress.blobsTotal],
        )
      : await this.query()(
          `WITH updated AS (UPDATE promotion_targets SET updated_at = now() WHERE id = $1 RETURNING status)
           SELECT status FROM updated`,
          [id],
        );
    return rows[0]?.status ?? null;
  }

  /** Sets a target's status (and error/result), finishing it when the status is final; a landed target's progress is complete. */
  async setTargetOutcome(id: string, outcome: TargetOutcome, tx: Transaction): Promise<void> {
    await this.query(tx)(
      `UPDATE promotion_targets SET status = $2, error_code = $3, error_message = $4,
              result = COALESCE($5::jsonb, result), updated_at = now(),
              bytes_done = CASE WHEN $2 = 'succeeded' THEN bytes_total ELSE bytes_done END,
              blobs_done = CASE WHEN $2 = 'succeeded' THEN blobs_total ELSE blobs_done END,
              finished_at = CASE WHEN $2 IN ('queued', 'running') THEN NULL ELSE now() END
        WHERE id = $1`,
      [
        id,
        outcome.status,
        outcome.errorCode ?? null,
        outcome.errorMessage ?? null,
        outcome.result === undefined || outcome.result === null
          ? null
          : JSON.stringify(outcome.result),
      ],
    );
  }

  async setStatus(id: string, outcome: TargetOutcome, tx: Transaction): Promise<void> {
    await this.query(tx)(
      `UPDATE promotions SET status = $2, error_code = $3, error_message = $4, updated_at = now(),
              finished_at = CASE WHEN $2 IN ('queued', 'running') THEN NULL ELSE now() END
        WHERE id = $1`,
      [id, outcome.status, outcome.errorCode ?? null, outcome.errorMessage ?? null],
    );
  }

  /** Every active target of the promotion → cancelled. */
  async cancelTargets(promotionId: string, tx: Transaction): Promise<void> {
    await this.query(tx)(
      `UPDATE promotion_targets SET status = 'cancelled', updated_at = now(), finished_at = now()
        WHERE promotion_id = $1 AND status IN ('queued', 'running')`,
      [promotionId],
    );
  }

  /** Failed and cancelled targets → queued again under a new run number; answers their ids. */
  async requeueUnfinished(promotionId: string, tx: Transaction): Promise<PromotionTargetRow[]> {
    await this.query(tx)(
      `UPDATE promotion_targets SET status = 'queued', run = run + 1, error_code = NULL,
              error_message = NULL, finished_at = NULL, updated_at = now()
        WHERE promotion_id = $1 AND status IN ('failed', 'cancelled')`,
      [promotionId],
    );
    return (await this.targetsOf([promotionId], tx)).filter((t) => t.status === 'queued');
  }

  /** Active targets untouched since `idleMs` ago: their job may be gone or stuck. */
  idleActiveTargets(idleMs: number, limit: number): Promise<PromotionTargetRow[]> {
    return this.query()(
      `SELECT ${TARGET_COLUMNS} FROM promotion_targets t JOIN registries r ON r.id = t.registry_id
        WHERE t.status IN ('queued', 'running') AND t.updated_at < now() - make_interval(secs => $1::float8 / 1000)
        ORDER BY t.updated_at LIMIT $2`,
      [idleMs, limit],
    );
  }

  /** A new run number for an active target whose job finished without recording it. */
  async nextRun(id: string): Promise<number | null> {
    const rows: Array<{ run: number }> = await this.query()(
      `WITH bumped AS (
         UPDATE promotion_targets SET run = run + 1, updated_at = now()
          WHERE id = $1 AND status IN ('queued', 'running') RETURNING run)
       SELECT run FROM bumped`,
      [id],
    );
    return rows[0]?.run ?? null;
  }

  /** Marks an active target as looked at, so the next reconcile pass leaves it for a while. */
  async touchTarget(id: string): Promise<void> {
    await this.query()(
      `UPDATE promotion_targets SET updated_at = now() WHERE id = $1 AND status IN ('queued', 'running')`,
      [id],
    );
  }

  /** UPDATE … RETURNING goes through a CTE: TypeORM answers a bare UPDATE with [rows, count]. */
  private query(tx?: Transaction): (sql: string, params: unknown[]) => Promise<never> {
    const manager = managerOf(tx, this.dataSource.manager);
    return (sql, params) => manager.query(sql, params) as Promise<never>;
  }
}
