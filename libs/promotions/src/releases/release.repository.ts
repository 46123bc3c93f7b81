import { columns, Database, json, raw, sql, type Transaction } from '@airlock/persistence';
import type { KeysetPosition } from '@airlock/validation';
import { Injectable } from '@nestjs/common';

export const RELEASE_STATUSES = [
  'running',
  'committing',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];
/** A release still moving: copying its items, or writing its tags. */
export const ACTIVE_RELEASE_STATUSES: readonly ReleaseStatus[] = ['running', 'committing'];

/** A tag a release's commit wrote: in which registry and repository. */
export interface LandedTag {
  registry: string;
  repository: string;
  tag: string;
}

/** One `releases` row: several promotions (its items) whose tags are written together. */
export interface ReleaseRow {
  id: string;
  name: string | null;
  sourceStage: string;
  targetStageId: string;
  targetStage: string;
  status: ReleaseStatus;
  /** 1, then +1 per retry: each commit run is its own queue job. */
  run: number;
  requestedBy: string | null;
  requestedByName: string | null;
  tagsLanded: LandedTag[];
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  updatedAt: Date;
  /** created_at as Postgres prints it (microseconds kept): half of the keyset cursor. */
  createdAtKey: string;
}

export interface ReleaseOutcome {
  status: ReleaseStatus;
  errorCode?: string | null;
  errorMessage?: string | null;
}

const RELEASE = columns<ReleaseRow>({
  id: 'rl.id',
  name: 'rl.name',
  sourceStage: 'rl.source_stage',
  targetStageId: 'rl.target_stage_id',
  targetStage: 'st.name',
  status: 'rl.status',
  run: 'rl.run',
  requestedBy: 'rl.requested_by',
  requestedByName: 'tk.name',
  tagsLanded: 'rl.tags_landed',
  errorCode: 'rl.error_code',
  errorMessage: 'rl.error_message',
  createdAt: 'rl.created_at',
  finishedAt: 'rl.finished_at',
  updatedAt: 'rl.updated_at',
  createdAtKey: 'rl.created_at::text',
});

const RELEASE_FROM = raw(`releases rl
  JOIN stages st ON st.id = rl.target_stage_id
  LEFT JOIN api_tokens tk ON tk.id = rl.requested_by`);

/** `releases`; their items are `promotions` rows with `release_id` (PromotionRepository). */
@Injectable()
export class ReleaseRepository {
  constructor(private readonly db: Database) {}

  async insert(
    release: Pick<ReleaseRow, 'name' | 'sourceStage' | 'targetStageId' | 'requestedBy'>,
    tx: Transaction,
  ): Promise<string> {
    const row = await this.db.one<{ id: string }>(
      sql`INSERT INTO releases (name, source_stage, target_stage_id, status, requested_by)
          VALUES (${release.name}, ${release.sourceStage}, ${release.targetStageId}, 'running',
                  ${release.requestedBy}::uuid)
          RETURNING id`,
      tx,
    );
    return row!.id;
  }

  /** With `lock`, the row stays locked until `tx` ends: staging, failing and committing take turns. */
  async find(id: string, tx?: Transaction, lock = false): Promise<ReleaseRow | null> {
    if (lock) await this.db.run(sql`SELECT 1 FROM releases WHERE id = ${id} FOR UPDATE`, tx);
    return this.db.one<ReleaseRow>(
      sql`SELECT ${RELEASE} FROM ${RELEASE_FROM} WHERE rl.id = ${id}`,
      tx,
    );
  }

  /** Newest first, keyset-paged on (created_at, id). */
  list(query: { before?: KeysetPosition; limit: number }): Promise<ReleaseRow[]> {
    const after = query.before
      ? sql`WHERE (rl.created_at, rl.id) < (${query.before.createdAtKey}::timestamptz, ${query.before.id}::uuid)`
      : raw('');
    return this.db.rows<ReleaseRow>(
      sql`SELECT ${RELEASE} FROM ${RELEASE_FROM} ${after}
          ORDER BY rl.created_at DESC, rl.id DESC LIMIT ${query.limit}`,
    );
  }

  async setStatus(id: string, outcome: ReleaseOutcome, tx: Transaction): Promise<void> {
    await this.db.run(
      sql`UPDATE releases SET status = ${outcome.status}, error_code = ${outcome.errorCode ?? null},
                 error_message = ${outcome.errorMessage ?? null}, updated_at = now(),
                 finished_at = CASE WHEN ${outcome.status}::text IN ('running', 'committing')
                                    THEN NULL ELSE now() END
           WHERE id = ${id}`,
      tx,
    );
  }

  /** Retried: running (copies again) or committing (writes its tags again), under a new run. */
  async retry(id: string, status: 'running' | 'committing', tx: Transaction): Promise<number> {
    const row = await this.db.one<{ run: number }>(
      sql`UPDATE releases SET status = ${status}, run = run + 1, error_code = NULL,
                 error_message = NULL, finished_at = NULL, updated_at = now()
           WHERE id = ${id} RETURNING run`,
      tx,
    );
    return row!.run;
  }

  /** Adds tags the commit wrote (once each); committed on its own, so a crash keeps the record. */
  async addLandedTags(id: string, tags: LandedTag[]): Promise<void> {
    await this.db.run(
      sql`UPDATE releases SET updated_at = now(), tags_landed = (
            SELECT coalesce(jsonb_agg(DISTINCT t), '[]'::jsonb)
              FROM jsonb_array_elements(tags_landed || ${json(tags)}) t)
           WHERE id = ${id}`,
    );
  }

  /** Releases committing and untouched since `idleMs` ago: their commit job may be gone. */
  idleCommitting(idleMs: number, limit: number): Promise<ReleaseRow[]> {
    return this.db.rows<ReleaseRow>(
      sql`SELECT ${RELEASE} FROM ${RELEASE_FROM}
           WHERE rl.status = 'committing'
             AND rl.updated_at < now() - make_interval(secs => ${idleMs}::float8 / 1000)
           ORDER BY rl.updated_at LIMIT ${limit}`,
    );
  }

  async touch(id: string): Promise<void> {
    await this.db.run(sql`UPDATE releases SET updated_at = now() WHERE id = ${id}`);
  }
}
