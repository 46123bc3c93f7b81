import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
import { managerOf, type Transaction } from '../transaction';

/** One `mirror_rules` row with its registries' names. `tagSelection` is validated by @airlock/mirror. */
export interface MirrorRuleRow {
  id: string;
  name: string;
  upstreamRegistryId: string;
  upstreamRegistry: string;
  upstreamRepository: string;
  tagSelection: Record<string, unknown>;
  archiveRegistryId: string;
  archiveRegistry: string;
  archiveRepository: string;
  schedule: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type NewMirrorRule = Pick<
  MirrorRuleRow,
  | 'name'
  | 'upstreamRegistryId'
  | 'upstreamRepository'
  | 'tagSelection'
  | 'archiveRegistryId'
  | 'archiveRepository'
  | 'schedule'
  | 'enabled'
>;

export type MirrorRuleChanges = Partial<Omit<NewMirrorRule, 'name'>>;

export const MIRROR_RUN_STATUSES = ['running', 'succeeded', 'partial', 'failed'] as const;
export type MirrorRunStatus = (typeof MIRROR_RUN_STATUSES)[number];
export type MirrorTrigger = 'schedule' | 'manual';

/** What happened to one selected tag in a run. */
export interface MirrorTagResult {
  tag: string;
  /**
   * `archived`: a digest the Archive did not have was copied; `moved`: the tag moved to a digest
   * the Archive already had (only tags written); `unchanged`: the tag still points at what was archived.
   */
  outcome: 'archived' | 'moved' | 'unchanged' | 'failed';
  digest?: string;
  previousDigest?: string | null;
  historyTag?: string;
  bytesCopied?: number;
  error?: { code: string; message: string };
}

export interface MirrorRunRow {
  id: string;
  ruleId: string;
  status: MirrorRunStatus;
  trigger: MirrorTrigger;
  scheduledFor: Date | null;
  tagsChecked: number;
  tagsFailed: number;
  newDigests: number;
  bytesCopied: number;
  errors: Array<{ tag?: string; code: string; message: string }>;
  results: MirrorTagResult[];
  startedAt: Date;
  finishedAt: Date | null;
  startedAtKey: string;
}

export type MirrorRunOutcome = Pick<
  MirrorRunRow,
  'status' | 'tagsChecked' | 'tagsFailed' | 'newDigests' | 'bytesCopied' | 'errors' | 'results'
>;

export interface ArchivedDigestRow {
  ruleId: string | null;
  repository: string;
  tag: string;
  digest: string;
  historyTag: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** The digest the tag pointed at upstream the last time it was checked. */
  current: boolean;
}

const RULE_COLUMNS = `m.id, m.name, m.upstream_registry_id AS "upstreamRegistryId", u.name AS "upstreamRegistry",
  m.upstream_repository AS "upstreamRepository", m.tag_selection AS "tagSelection",
  m.archive_registry_id AS "archiveRegistryId", a.name AS "archiveRegistry",
  m.archive_repository AS "archiveRepository", m.schedule, m.enabled,
  m.created_at AS "createdAt", m.updated_at AS "updatedAt"`;
const RULE_FROM = `mirror_rules m JOIN registries u ON u.id = m.upstream_registry_id
  JOIN registries a ON a.id = m.archive_registry_id`;

const RUN_COLUMNS = `id, rule_id AS "ruleId", status, trigger, scheduled_for AS "scheduledFor",
  tags_checked AS "tagsChecked", tags_failed AS "tagsFailed", new_digests AS "newDigests",
  bytes_copied::float8 AS "bytesCopied", errors, results, started_at AS "startedAt",
  finished_at AS "finishedAt", started_at::text AS "startedAtKey"`;

/** How often a sync waiting for a rule's lock tries again. */
const LOCK_POLL_MS = 1000;

const CHANGE_COLUMNS: Record<keyof MirrorRuleChanges, string> = {
  upstreamRegistryId: 'upstream_registry_id',
  upstreamRepository: 'upstream_repository',
  tagSelection: 'tag_selection',
  archiveRegistryId: 'archive_registry_id',
  archiveRepository: 'archive_repository',
  schedule: 'schedule',
  enabled: 'enabled',
};

/** `mirror_rules`, `mirror_runs` and `archived_digests`. The rules live in @airlock/mirror. */
@Injectable()
export class MirrorRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertRule(rule: NewMirrorRule, tx: Transaction): Promise<MirrorRuleRow> {
    const rows: Array<{ id: string }> = await this.query(tx)(
      `INSERT INTO mirror_rules (name, upstream_registry_id, upstream_repository, tag_selection,
         archive_registry_id, archive_repository, schedule, enabled)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8) RETURNING id`,
      [
        rule.name,
        rule.upstreamRegistryId,
        rule.upstreamRepository,
        JSON.stringify(rule.tagSelection),
        rule.archiveRegistryId,
        rule.archiveRepository,
        rule.schedule,
        rule.enabled,
      ],
    );
    return (await this.findRule({ id: rows[0]!.id }, tx))!;
  }

  async findRule(
    key: { id: string } | { name: string },
    tx?: Transaction,
    lock = false,
  ): Promise<MirrorRuleRow | null> {
    const [column, value] = 'id' in key ? ['m.id', key.id] : ['m.name', key.name];
    const rows: MirrorRuleRow[] = await this.query(tx)(
      `SELECT ${RULE_COLUMNS} FROM ${RULE_FROM} WHERE ${column} = $1${lock ? ' FOR UPDATE OF m' : ''}`,
      [value],
    );
    return rows[0] ?? null;
  }

  /** By name; an install has tens of rules, so no pagination. */
  listRules(tx?: Transaction): Promise<MirrorRuleRow[]> {
    return this.query(tx)(`SELECT ${RULE_COLUMNS} FROM ${RULE_FROM} ORDER BY m.name`, []);
  }

  async updateRule(
    id: string,
    changes: MirrorRuleChanges,
    tx: Transaction,
  ): Promise<MirrorRuleRow> {
    const fields = (Object.keys(changes) as Array<keyof MirrorRuleChanges>).filter(
      (key) => changes[key] !== undefined,
    );
    const sets = fields.map(
      (key, i) => `${CHANGE_COLUMNS[key]} = $${i + 2}${key === 'tagSelection' ? '::jsonb' : ''}`,
    );
    const values = fields.map((key) =>
      key === 'tagSelection' ? JSON.stringify(changes[key]) : changes[key],
    );
    await this.query(tx)(
      `UPDATE mirror_rules SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1`,
      [id, ...values],
    );
    return (await this.findRule({ id }, tx))!;
  }

  async deleteRule(id: string, tx: Transaction): Promise<void> {
    await this.query(tx)(`DELETE FROM mirror_rules WHERE id = $1`, [id]);
  }

  /**
   * A run of a rule. A scheduled run is one per tick: when the tick already has a finished run
   * (the queue delivered the tick twice) this answers null. A `running` run of the tick is taken
   * over — the caller holds the rule's lock, so its previous attempt is dead.
   */
  async startRun(
    ruleId: string,
    trigger: MirrorTrigger,
    scheduledFor: Date | null,
  ): Promise<MirrorRunRow | null> {
    const rows: MirrorRunRow[] = await this.query()(
      `INSERT INTO mirror_runs (rule_id, status, trigger, scheduled_for) VALUES ($1, 'running', $2, $3)
       ON CONFLICT (rule_id, scheduled_for) WHERE scheduled_for IS NOT NULL
       DO UPDATE SET started_at = now(), errors = '[]', results = '[]'
         WHERE mirror_runs.status = 'running'
       RETURNING ${RUN_COLUMNS}`,
      [ruleId, trigger, scheduledFor],
    );
    return rows[0] ?? null;
  }

  async finishRun(id: string, outcome: MirrorRunOutcome, tx?: Transaction): Promise<MirrorRunRow> {
    const rows: MirrorRunRow[] = await this.query(tx)(
      `WITH u AS (
         UPDATE mirror_runs SET status = $2, tags_checked = $3, tags_failed = $4, new_digests = $5,
                bytes_copied = $6, errors = $7::jsonb, results = $8::jsonb, finished_at = now()
          WHERE id = $1 RETURNING *)
       SELECT ${RUN_COLUMNS} FROM u`,
      [
        id,
        outcome.status,
        outcome.tagsChecked,
        outcome.tagsFailed,
        outcome.newDigests,
        outcome.bytesCopied,
        JSON.stringify(outcome.errors),
        JSON.stringify(outcome.results),
      ],
    );
    return rows[0]!;
  }

  /** Newest first, keyset-paged on (started_at, id). */
  listRuns(
    ruleId: string,
    limit: number,
    before?: { startedAtKey: string; id: string },
  ): Promise<MirrorRunRow[]> {
    return this.query()(
      `SELECT ${RUN_COLUMNS} FROM mirror_runs
        WHERE rule_id = $1 AND ($2::timestamptz IS NULL OR (started_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY started_at DESC, id DESC LIMIT $4`,
      [ruleId, before?.startedAtKey ?? null, before?.id ?? null, limit],
    );
  }

  findRun(ruleId: string, id: string): Promise<MirrorRunRow | null> {
    return this.query()(`SELECT ${RUN_COLUMNS} FROM mirror_runs WHERE rule_id = $1 AND id = $2`, [
      ruleId,
      id,
    ]).then((rows: MirrorRunRow[]) => rows[0] ?? null);
  }

  /** Per tag of an archive repository, the digest it pointed at when last checked. */
  currentArchived(
    archiveRegistryId: string,
    repository: string,
    tx?: Transaction,
  ): Promise<Array<{ tag: string; digest: string }>> {
    return this.query(tx)(
      `SELECT DISTINCT ON (tag) tag, digest FROM archived_digests
        WHERE archive_registry_id = $1 AND repository = $2
        ORDER BY tag, last_seen_at DESC, id DESC`,
      [archiveRegistryId, repository],
    );
  }

  /** The tag points at `digest` upstream now: first seen now if new, else last seen now. */
  async recordArchived(
    row: {
      ruleId: string;
      archiveRegistryId: string;
      repository: string;
      tag: string;
      digest: string;
      historyTag: string | null;
    },
    tx: Transaction,
  ): Promise<void> {
    await this.query(tx)(
      `INSERT INTO archived_digests (rule_id, archive_registry_id, repository, tag, digest, history_tag)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (archive_registry_id, repository, tag, digest)
       DO UPDATE SET last_seen_at = clock_timestamp(), rule_id = EXCLUDED.rule_id,
                     history_tag = COALESCE(archived_digests.history_tag, EXCLUDED.history_tag)`,
      [row.ruleId, row.archiveRegistryId, row.repository, row.tag, row.digest, row.historyTag],
    );
  }

  /** Every digest of an archive repository (optionally one tag), newest sighting first. */
  listArchived(
    archiveRegistryId: string,
    repository: string,
    tag?: string,
  ): Promise<ArchivedDigestRow[]> {
    return this.query()(
      `SELECT rule_id AS "ruleId", repository, tag, digest, history_tag AS "historyTag",
              first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt",
              (last_seen_at = max(last_seen_at) OVER (PARTITION BY tag)) AS current
         FROM archived_digests
        WHERE archive_registry_id = $1 AND repository = $2 AND ($3::text IS NULL OR tag = $3)
        ORDER BY tag, last_seen_at DESC, id DESC`,
      [archiveRegistryId, repository, tag ?? null],
    );
  }

  /**
   * Holds a session-level advisory lock on the rule for as long as `work` runs, on a connection
   * of its own: a worker that dies drops its connection and with it the lock. When another sync
   * holds it, waits up to `waitMs` (0: not at all) and then answers undefined without running `work`.
   */
  async withRuleLock<T>(
    ruleId: string,
    work: () => Promise<T>,
    waitMs = 0,
  ): Promise<T | undefined> {
    const runner: QueryRunner = this.dataSource.createQueryRunner();
    await runner.connect();
    const key = `airlock:mirror:${ruleId}`;
    try {
      if (!(await this.lockRule(runner, key, waitMs))) return undefined;
      try {
        return await work();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [key]);
      }
    } finally {
      await runner.release();
    }
  }

  /** Tries at once, then every second until `waitMs` has passed. */
  private async lockRule(runner: QueryRunner, key: string, waitMs: number): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const [row] = (await runner.query(
        `SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`,
        [key],
      )) as Array<{ locked: boolean }>;
      if (row?.locked === true) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(LOCK_POLL_MS, left)));
    }
  }

  private query(tx?: Transaction): (sql: string, params: unknown[]) => Promise<never> {
    const manager = managerOf(tx, this.dataSource.manager);
    return (sql, params) => manager.query(sql, params) as Promise<never>;
  }
}
