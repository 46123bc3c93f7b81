import { Injectable } from '@nestjs/common';
import {
  Database,
  join,
  json,
  raw,
  settleAll,
  sql,
  type Sql,
  type Transaction,
} from '@airlock/persistence';
import {
  PROMOTION,
  PROMOTION_FROM,
  TARGET,
  TARGET_FROM,
  type NewPromotion,
  type PromotionListQuery,
  type PromotionRow,
  type PromotionStatus,
  type PromotionTargetRow,
  type TargetOutcome,
  type TargetProgress,
} from './promotion-rows';

export * from './promotion-rows';

/** The columns a status change writes. */
export type StatusChange = Pick<
  PromotionRow,
  'status' | 'errorCode' | 'errorMessage' | 'finishedAt' | 'updatedAt'
>;

@Injectable()
export class PromotionRepository {
  constructor(private readonly db: Database) {}

  async insert(promotion: NewPromotion, tx: Transaction): Promise<string> {
    const row = await this.db.one<{ id: string }>(
      sql`INSERT INTO promotions (image_id, digest, source_registry_id, source_repository, source_tag,
            target_stage_id, tags, status, evidence, admitted_policy, options, plan, requested_by,
            source_stage, release_id, release_index)
          VALUES (${promotion.imageId}, ${promotion.digest}, ${promotion.sourceRegistryId},
            ${promotion.sourceRepository}, ${promotion.sourceTag}, ${promotion.targetStageId},
            ${promotion.tags}::text[], 'queued', ${json(promotion.evidence)},
            ${promotion.admittedPolicy === null ? sql`${null}::jsonb` : json(promotion.admittedPolicy)},
            ${json(promotion.options)},
            ${json(promotion.plan)}, ${promotion.requestedBy}, ${promotion.sourceStage},
            ${promotion.releaseId}::uuid, ${promotion.releaseIndex ?? null}::integer)
          RETURNING id`,
      tx,
    );
    return row!.id;
  }

  async insertTarget(
    promotionId: string,
    target: { registryId: string; repository: string; bytesTotal: number; blobsTotal: number },
    tx: Transaction,
  ): Promise<string> {
    const row = await this.db.one<{ id: string }>(
      sql`INSERT INTO promotion_targets (promotion_id, registry_id, repository, status, bytes_total, blobs_total)
          VALUES (${promotionId}, ${target.registryId}, ${target.repository}, 'queued',
            ${target.bytesTotal}, ${target.blobsTotal})
          RETURNING id`,
      tx,
    );
    return row!.id;
  }

  /** With `lock`, the row stays locked until `tx` ends (serialises settling a promotion). */
  async find(id: string, tx?: Transaction, lock = false): Promise<PromotionRow | null> {
    // Both statements leave in one write: Postgres takes the lock before it reads the row.
    const [, row] = await settleAll([
      lock ? this.lock(id, tx!) : undefined,
      this.db.one<PromotionRow>(
        sql`SELECT ${PROMOTION} FROM ${PROMOTION_FROM} WHERE p.id = ${id}`,
        tx,
      ),
    ]);
    return row;
  }

  /** Locks the promotion's row until `tx` ends: the first statement of every transition of it. */
  lock(id: string, tx: Transaction): Promise<number> {
    return this.db.run(sql`SELECT 1 FROM promotions WHERE id = ${id} FOR UPDATE`, tx);
  }

  /** The promotion a target belongs to. */
  findByTarget(targetId: string, tx?: Transaction): Promise<PromotionRow | null> {
    return this.db.one<PromotionRow>(
      sql`SELECT ${PROMOTION} FROM ${PROMOTION_FROM}
           WHERE p.id = (SELECT promotion_id FROM promotion_targets WHERE id = ${targetId})`,
      tx,
    );
  }

  /** Newest first, keyset-paged on (created_at, id). */
  list(query: PromotionListQuery): Promise<PromotionRow[]> {
    const where: Sql[] = [];
    if (query.digest !== undefined) where.push(sql`p.digest = ${query.digest}`);
    if (query.stage !== undefined) where.push(sql`st.name = ${query.stage}`);
    if (query.status !== undefined) where.push(sql`p.status = ${query.status}`);
    if (query.before) {
      where.push(
        sql`(p.created_at, p.id) < (${query.before.createdAtKey}::timestamptz, ${query.before.id}::uuid)`,
      );
    }
    const filter = where.length ? sql`WHERE ${join(where, raw(' AND '))}` : raw('');
    return this.db.rows<PromotionRow>(
      sql`SELECT ${PROMOTION} FROM ${PROMOTION_FROM} ${filter}
          ORDER BY p.created_at DESC, p.id DESC LIMIT ${query.limit}`,
    );
  }

  /** The items of a release, in the order they were requested. */
  ofRelease(releaseId: string, tx?: Transaction): Promise<PromotionRow[]> {
    return this.db.rows<PromotionRow>(
      sql`SELECT ${PROMOTION} FROM ${PROMOTION_FROM} WHERE p.release_id = ${releaseId}
          ORDER BY p.release_index`,
      tx,
    );
  }

  /** Promotions of one image (newest first), for the image view. */
  ofImages(imageIds: string[], limit: number): Promise<PromotionRow[]> {
    return this.db.rows<PromotionRow>(
      sql`SELECT ${PROMOTION} FROM ${PROMOTION_FROM} WHERE p.image_id = ANY(${imageIds}::uuid[])
          ORDER BY p.created_at DESC, p.id DESC LIMIT ${limit}`,
    );
  }

  /**
   * How many targets of the release's items are not (yet) staged and running: 0 means every
   * copy landed and the commit may start. One row, however many items.
   */
  async unstagedInRelease(releaseId: string, tx: Transaction): Promise<number> {
    const row = await this.db.one<{ unstaged: number }>(
      sql`SELECT count(*)::int AS unstaged FROM promotion_targets t
            JOIN promotions p ON p.id = t.promotion_id
           WHERE p.release_id = ${releaseId}
             AND (t.staged_at IS NULL OR t.status <> 'running')`,
      tx,
    );
    return row!.unstaged;
  }

  targetsOf(promotionIds: string[], tx?: Transaction): Promise<PromotionTargetRow[]> {
    return this.db.rows<PromotionTargetRow>(
      sql`SELECT ${TARGET} FROM ${TARGET_FROM}
           WHERE t.promotion_id = ANY(${promotionIds}::uuid[]) ORDER BY r.name`,
      tx,
    );
  }

  findTarget(id: string, tx?: Transaction): Promise<PromotionTargetRow | null> {
    return this.db.one<PromotionTargetRow>(
      sql`SELECT ${TARGET} FROM ${TARGET_FROM} WHERE t.id = ${id}`,
      tx,
    );
  }

  /**
   * The target starts (or starts again): running, one more attempt. Null when it is no longer
   * active (cancelled, or finished by an earlier run). The promotion becomes running with it.
   */
  async startTarget(
    id: string,
    tx: Transaction,
  ): Promise<{ target: PromotionTargetRow; promotion: PromotionRow } | null> {
    // Four statements, none waiting for another's answer (one write with runAsOneWrite): each
    // later one reads what the earlier ones wrote, so the promotion becomes running exactly when
    // its target just did — a running, unstaged target of a queued promotion is one the first
    // statement started.
    const [started, , target, promotion] = await settleAll([
      this.db.one<{ id: string }>(
        sql`UPDATE promotion_targets t SET status = 'running', attempts = attempts + 1,
                   started_at = COALESCE(started_at, now()), updated_at = now()
             WHERE t.id = ${id} AND t.status IN ('queued', 'running') AND t.staged_at IS NULL
               AND EXISTS (SELECT 1 FROM promotions p WHERE p.id = t.promotion_id AND p.status IN ('queued', 'running'))
            RETURNING t.id`,
        tx,
      ),
      this.db.run(
        sql`UPDATE promotions SET status = 'running', started_at = COALESCE(started_at, now()), updated_at = now()
             WHERE status = 'queued' AND id = (
               SELECT promotion_id FROM promotion_targets
                WHERE id = ${id} AND status = 'running' AND staged_at IS NULL)`,
        tx,
      ),
      this.findTarget(id, tx),
      this.findByTarget(id, tx),
    ]);
    return started && target && promotion ? { target, promotion } : null;
  }

  /**
   * A running copy's heartbeat, with its progress when it has some. Answers the target's status,
   * so the copy learns it was cancelled.
   */
  async recordProgress(id: string, progress?: TargetProgress): Promise<PromotionStatus | null> {
    const set = progress
      ? sql`bytes_done = ${progress.bytesDone}, bytes_total = ${progress.bytesTotal},
            blobs_done = ${progress.blobsDone}, blobs_total = ${progress.blobsTotal}, updated_at = now()`
      : sql`updated_at = now()`;
    const row = await this.db.one<{ status: PromotionStatus }>(
      sql`UPDATE promotion_targets SET ${set} WHERE id = ${id} RETURNING status`,
    );
    return row?.status ?? null;
  }

  /** Sets a target's status (and error/result), finishing it when the status is final; a landed target's progress is complete. */
  async setTargetOutcome(id: string, outcome: TargetOutcome, tx: Transaction): Promise<void> {
    // No result keeps the stored one: SQL NULL, not JSON null.
    const result = outcome.result == null ? null : JSON.stringify(outcome.result);
    await this.db.run(
      sql`UPDATE promotion_targets SET status = ${outcome.status}, error_code = ${outcome.errorCode ?? null},
                 error_message = ${outcome.errorMessage ?? null},
                 result = COALESCE(${result}::jsonb, result), updated_at = now(),
                 bytes_done = CASE WHEN ${outcome.status}::text = 'succeeded' THEN bytes_total ELSE bytes_done END,
                 blobs_done = CASE WHEN ${outcome.status}::text = 'succeeded' THEN blobs_total ELSE blobs_done END,
                 finished_at = CASE WHEN ${outcome.status}::text IN ('queued', 'running') THEN NULL ELSE now() END
           WHERE id = ${id}`,
      tx,
    );
  }

  /** Answers what changed, so the row read before it can be brought up to date without a read. */
  async setStatus(id: string, outcome: TargetOutcome, tx: Transaction): Promise<StatusChange> {
    const row = await this.db.one<StatusChange>(
      sql`UPDATE promotions SET status = ${outcome.status}, error_code = ${outcome.errorCode ?? null},
                 error_message = ${outcome.errorMessage ?? null}, updated_at = now(),
                 finished_at = CASE WHEN ${outcome.status}::text IN ('queued', 'running') THEN NULL ELSE now() END
           WHERE id = ${id}
       RETURNING status, error_code AS "errorCode", error_message AS "errorMessage",
                 finished_at AS "finishedAt", updated_at AS "updatedAt"`,
      tx,
    );
    return row!;
  }

  /** A release item's copy landed without its tags: complete, waiting for the release's commit. */
  async stageTarget(id: string, result: Record<string, unknown>, tx: Transaction): Promise<void> {
    await this.db.run(
      sql`UPDATE promotion_targets SET staged_at = now(), result = ${json(result)}, updated_at = now(),
                 bytes_done = bytes_total, blobs_done = blobs_total
           WHERE id = ${id}`,
      tx,
    );
  }

  /** Every active target of the promotion → cancelled. */
  async cancelTargets(promotionId: string, tx: Transaction): Promise<void> {
    await this.db.run(
      sql`UPDATE promotion_targets SET status = 'cancelled', updated_at = now(), finished_at = now()
           WHERE promotion_id = ${promotionId} AND status IN ('queued', 'running')`,
      tx,
    );
  }

  /** Failed and cancelled targets → queued again under a new run number; answers their ids. */
  async requeueUnfinished(promotionId: string, tx: Transaction): Promise<PromotionTargetRow[]> {
    await this.db.run(
      sql`UPDATE promotion_targets SET status = 'queued', run = run + 1, error_code = NULL,
                 error_message = NULL, finished_at = NULL, staged_at = NULL, updated_at = now()
           WHERE promotion_id = ${promotionId} AND status IN ('failed', 'cancelled')`,
      tx,
    );
    return (await this.targetsOf([promotionId], tx)).filter((t) => t.status === 'queued');
  }

  /** Active targets untouched since `idleMs` ago: their job may be gone or stuck. */
  idleActiveTargets(idleMs: number, limit: number): Promise<PromotionTargetRow[]> {
    return this.db.rows<PromotionTargetRow>(
      sql`SELECT ${TARGET} FROM ${TARGET_FROM}
           WHERE t.status IN ('queued', 'running') AND t.staged_at IS NULL
             AND t.updated_at < now() - make_interval(secs => ${idleMs}::float8 / 1000)
           ORDER BY t.updated_at LIMIT ${limit}`,
    );
  }

  /** A new run number for an active target whose job finished without recording it. */
  async nextRun(id: string): Promise<number | null> {
    const row = await this.db.one<{ run: number }>(
      sql`UPDATE promotion_targets SET run = run + 1, updated_at = now()
           WHERE id = ${id} AND status IN ('queued', 'running') RETURNING run`,
    );
    return row?.run ?? null;
  }

  /** Marks an active target as looked at, so the next reconcile pass leaves it for a while. */
  async touchTarget(id: string): Promise<void> {
    await this.db.run(
      sql`UPDATE promotion_targets SET updated_at = now() WHERE id = ${id} AND status IN ('queued', 'running')`,
    );
  }
}
