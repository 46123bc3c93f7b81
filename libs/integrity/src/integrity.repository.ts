import {
  columns,
  Database,
  join,
  raw,
  sql,
  type Sql,
  type Transaction,
} from '@airlock/persistence';
import type { KeysetPosition } from '@airlock/validation';
import { Injectable } from '@nestjs/common';
import type { Finding, FindingKind } from './integrity-comparison';

/** The statuses the `integrity_runs.status` CHECK constraint allows. */
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RUN_TRIGGERS = ['schedule', 'manual'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
/** The statuses the `integrity_findings.status` CHECK constraint allows. */
export const FINDING_STATUSES = ['open', 'resolved', 'acknowledged'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** One `integrity_runs` row with its registry's name. */
export interface IntegrityRunRow {
  id: string;
  registryId: string;
  registry: string;
  status: RunStatus;
  trigger: RunTrigger;
  scheduledFor: Date | null;
  repositoriesChecked: number;
  tagsChecked: number;
  digestsChecked: number;
  findings: number;
  newFindings: number;
  resolvedFindings: number;
  partial: boolean;
  reason: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** created_at as Postgres prints it (microseconds kept): the keyset cursor's position. */
  createdAtKey: string;
}

export type RunOutcome = Pick<
  IntegrityRunRow,
  | 'status'
  | 'repositoriesChecked'
  | 'tagsChecked'
  | 'digestsChecked'
  | 'findings'
  | 'newFindings'
  | 'resolvedFindings'
  | 'partial'
  | 'reason'
  | 'errorCode'
  | 'errorMessage'
>;

/** One `integrity_findings` row with its registry's name. */
export interface FindingRow extends Finding {
  id: string;
  registryId: string;
  registry: string;
  status: FindingStatus;
  firstSeenRunId: string;
  lastSeenRunId: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  acknowledgedBy: string | null;
  acknowledgedByName: string | null;
  acknowledgedAt: Date | null;
  acknowledgeComment: string | null;
}

export interface FindingFilter {
  registryId?: string;
  repository?: string;
  kind?: FindingKind;
  status?: FindingStatus;
  limit: number;
}

const RUN = columns<IntegrityRunRow>({
  id: 'x.id',
  registryId: 'x.registry_id',
  registry: 'r.name',
  status: 'x.status',
  trigger: 'x.trigger',
  scheduledFor: 'x.scheduled_for',
  repositoriesChecked: 'x.repositories_checked',
  tagsChecked: 'x.tags_checked',
  digestsChecked: 'x.digests_checked',
  findings: 'x.findings',
  newFindings: 'x.new_findings',
  resolvedFindings: 'x.resolved_findings',
  partial: 'x.partial',
  reason: 'x.reason',
  errorCode: 'x.error_code',
  errorMessage: 'x.error_message',
  createdAt: 'x.created_at',
  startedAt: 'x.started_at',
  finishedAt: 'x.finished_at',
  createdAtKey: 'x.created_at::text',
});

const FINDING = columns<FindingRow>({
  id: 'f.id',
  registryId: 'f.registry_id',
  registry: 'r.name',
  repository: 'f.repository',
  tag: 'f.tag',
  digest: 'f.digest',
  artifactType: 'f.artifact_type',
  platform: 'f.platform',
  platformDigest: 'f.platform_digest',
  kind: 'f.kind',
  expectedDigest: 'f.expected_digest',
  actualDigest: 'f.actual_digest',
  status: 'f.status',
  firstSeenRunId: 'f.first_seen_run_id',
  lastSeenRunId: 'f.last_seen_run_id',
  firstSeenAt: 'f.first_seen_at',
  lastSeenAt: 'f.last_seen_at',
  resolvedAt: 'f.resolved_at',
  acknowledgedBy: 'f.acknowledged_by',
  acknowledgedByName: 'f.acknowledged_by_name',
  acknowledgedAt: 'f.acknowledged_at',
  acknowledgeComment: 'f.acknowledge_comment',
});

// A CTE named `x` (runs) or `f` (findings) joined to its registry: one select list for both.
const RUN_REGISTRY = raw('JOIN registries r ON r.id = x.registry_id');
const FINDING_REGISTRY = raw('JOIN registries r ON r.id = f.registry_id');

/** `integrity_runs` and `integrity_findings`: the only reader and writer of both. */
@Injectable()
export class IntegrityRepository {
  constructor(private readonly db: Database) {}

  /**
   * The run of a scheduler tick, or null when the tick already has a finished one (the queue
   * delivered it twice). A `running` run of the tick is taken over: the caller holds the
   * registry's lock, so its previous attempt is dead.
   */
  startScheduled(registryId: string, tick: Date): Promise<IntegrityRunRow | null> {
    return this.db.one<IntegrityRunRow>(
      sql`WITH x AS (
            INSERT INTO integrity_runs (registry_id, status, trigger, scheduled_for, started_at)
            VALUES (${registryId}, 'running', 'schedule', ${tick}, now())
            ON CONFLICT (registry_id, scheduled_for) WHERE scheduled_for IS NOT NULL
            DO UPDATE SET started_at = now() WHERE integrity_runs.status = 'running'
            RETURNING *)
          SELECT ${RUN} FROM x ${RUN_REGISTRY}`,
    );
  }

  /** Every run not finished yet (`queued` or `running`), oldest first. */
  unfinished(): Promise<IntegrityRunRow[]> {
    return this.db.rows<IntegrityRunRow>(
      sql`SELECT ${RUN} FROM integrity_runs x ${RUN_REGISTRY}
           WHERE x.status IN ('queued', 'running') ORDER BY x.created_at, x.id`,
    );
  }

  /**
   * A run nothing will finish (its worker or its job is gone) fails with `code`; only while it
   * is still `status` — a run that moved on meanwhile is left alone. Answers whether it failed.
   */
  async abandon(
    id: string,
    status: 'queued' | 'running',
    error: { code: string; message: string },
  ): Promise<boolean> {
    const changed = await this.db.run(
      sql`UPDATE integrity_runs
             SET status = 'failed', finished_at = now(), partial = true, reason = ${error.message},
                 error_code = ${error.code}, error_message = ${error.message}
           WHERE id = ${id} AND status = ${status}`,
    );
    return changed > 0;
  }

  /** A run asked for by hand: queued until a worker starts it. */
  async insertQueued(registryId: string, tx: Transaction): Promise<IntegrityRunRow> {
    return (await this.db.one<IntegrityRunRow>(
      sql`WITH x AS (
            INSERT INTO integrity_runs (registry_id, status, trigger)
            VALUES (${registryId}, 'queued', 'manual') RETURNING *)
          SELECT ${RUN} FROM x ${RUN_REGISTRY}`,
      tx,
    ))!;
  }

  /** A queued run starts (or a dead attempt's is taken over); null once it has finished. */
  startQueued(runId: string): Promise<IntegrityRunRow | null> {
    return this.db.one<IntegrityRunRow>(
      sql`WITH x AS (
            UPDATE integrity_runs SET status = 'running', started_at = now()
             WHERE id = ${runId} AND status IN ('queued', 'running') RETURNING *)
          SELECT ${RUN} FROM x ${RUN_REGISTRY}`,
    );
  }

  async finish(id: string, outcome: RunOutcome, tx?: Transaction): Promise<IntegrityRunRow> {
    return (await this.db.one<IntegrityRunRow>(
      sql`WITH x AS (
            UPDATE integrity_runs
               SET status = ${outcome.status}, repositories_checked = ${outcome.repositoriesChecked},
                   tags_checked = ${outcome.tagsChecked}, digests_checked = ${outcome.digestsChecked},
                   findings = ${outcome.findings}, new_findings = ${outcome.newFindings},
                   resolved_findings = ${outcome.resolvedFindings}, partial = ${outcome.partial},
                   reason = ${outcome.reason}, error_code = ${outcome.errorCode},
                   error_message = ${outcome.errorMessage}, finished_at = now()
             WHERE id = ${id} RETURNING *)
          SELECT ${RUN} FROM x ${RUN_REGISTRY}`,
      tx,
    ))!;
  }

  /** Newest first, keyset-paged on (created_at, id); optionally one registry's. */
  listRuns(
    limit: number,
    registryId?: string,
    before?: KeysetPosition,
  ): Promise<IntegrityRunRow[]> {
    const where: Sql[] = [];
    if (registryId !== undefined) where.push(sql`x.registry_id = ${registryId}`);
    if (before)
      where.push(
        sql`(x.created_at, x.id) < (${before.createdAtKey}::timestamptz, ${before.id}::uuid)`,
      );
    return this.db.rows<IntegrityRunRow>(
      sql`SELECT ${RUN} FROM integrity_runs x ${RUN_REGISTRY}
          ${where.length > 0 ? sql`WHERE ${join(where, raw(' AND '))}` : raw('')}
          ORDER BY x.created_at DESC, x.id DESC LIMIT ${limit}`,
    );
  }

  /** The newest run of each registry that has one. */
  latestRuns(): Promise<IntegrityRunRow[]> {
    return this.db.rows<IntegrityRunRow>(
      sql`SELECT ${RUN} FROM (
            SELECT DISTINCT ON (registry_id) * FROM integrity_runs
             ORDER BY registry_id, created_at DESC, id DESC) x ${RUN_REGISTRY}
          ORDER BY r.name`,
    );
  }

  /** The registry's unresolved findings, locked until `tx` ends (one run writes them at a time). */
  live(registryId: string, tx: Transaction): Promise<FindingRow[]> {
    return this.db.rows<FindingRow>(
      sql`SELECT ${FINDING} FROM integrity_findings f ${FINDING_REGISTRY}
           WHERE f.registry_id = ${registryId} AND f.status <> 'resolved'
           FOR UPDATE OF f`,
      tx,
    );
  }

  async insert(
    registryId: string,
    finding: Finding,
    runId: string,
    tx: Transaction,
  ): Promise<FindingRow> {
    return (await this.db.one<FindingRow>(
      sql`WITH f AS (
            INSERT INTO integrity_findings (registry_id, repository, tag, digest, artifact_type,
              platform, platform_digest, kind, expected_digest, actual_digest, first_seen_run_id,
              last_seen_run_id)
            VALUES (${registryId}, ${finding.repository}, ${finding.tag}, ${finding.digest},
              ${finding.artifactType}, ${finding.platform}, ${finding.platformDigest},
              ${finding.kind}, ${finding.expectedDigest},
              ${finding.actualDigest}, ${runId}, ${runId})
            RETURNING *)
          SELECT ${FINDING} FROM f ${FINDING_REGISTRY}`,
      tx,
    ))!;
  }

  /** Seen again by `runId`: what it points at now may have changed; its status stays. */
  async seenAgain(id: string, finding: Finding, runId: string, tx: Transaction): Promise<void> {
    await this.db.run(
      sql`UPDATE integrity_findings
             SET last_seen_run_id = ${runId}, last_seen_at = now(),
                 expected_digest = ${finding.expectedDigest}, actual_digest = ${finding.actualDigest}
           WHERE id = ${id}`,
      tx,
    );
  }

  /** No longer seen by a complete run: resolved. */
  async resolve(ids: string[], tx: Transaction): Promise<number> {
    if (ids.length === 0) return 0;
    return this.db.run(
      sql`UPDATE integrity_findings SET status = 'resolved', resolved_at = now()
           WHERE id = ANY(${ids}::uuid[]) AND status <> 'resolved'`,
      tx,
    );
  }

  /** Unresolved findings of a registry per kind. */
  liveCounts(
    registryId: string,
    tx?: Transaction,
  ): Promise<Array<{ kind: FindingKind; count: number }>> {
    return this.db.rows<{ kind: FindingKind; count: number }>(
      sql`SELECT kind, count(*)::int AS count FROM integrity_findings
           WHERE registry_id = ${registryId} AND status <> 'resolved' GROUP BY kind`,
      tx,
    );
  }

  /** Newest sighting first. */
  listFindings(filter: FindingFilter): Promise<FindingRow[]> {
    const where: Sql[] = [];
    if (filter.status !== undefined) where.push(sql`f.status = ${filter.status}`);
    if (filter.registryId !== undefined) where.push(sql`f.registry_id = ${filter.registryId}`);
    if (filter.repository !== undefined) where.push(sql`f.repository = ${filter.repository}`);
    if (filter.kind !== undefined) where.push(sql`f.kind = ${filter.kind}`);
    return this.db.rows<FindingRow>(
      sql`SELECT ${FINDING} FROM integrity_findings f ${FINDING_REGISTRY}
          ${where.length > 0 ? sql`WHERE ${join(where, raw(' AND '))}` : raw('')}
          ORDER BY f.last_seen_at DESC, f.id DESC LIMIT ${filter.limit}`,
    );
  }

  findFinding(id: string, tx?: Transaction): Promise<FindingRow | null> {
    return this.db.one<FindingRow>(
      sql`SELECT ${FINDING} FROM integrity_findings f ${FINDING_REGISTRY}
           WHERE f.id = ${id} FOR UPDATE OF f`,
      tx,
    );
  }

  async acknowledge(
    id: string,
    by: { tokenId: string | null; name: string | null },
    comment: string,
    tx: Transaction,
  ): Promise<FindingRow> {
    return (await this.db.one<FindingRow>(
      sql`WITH f AS (
            UPDATE integrity_findings
               SET status = 'acknowledged', acknowledged_by = ${by.tokenId},
                   acknowledged_by_name = ${by.name}, acknowledged_at = now(),
                   acknowledge_comment = ${comment}
             WHERE id = ${id} RETURNING *)
          SELECT ${FINDING} FROM f ${FINDING_REGISTRY}`,
      tx,
    ))!;
  }
}
