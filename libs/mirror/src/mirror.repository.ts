import { columns, Database, join, json, raw, sql, type Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import type { TagSelection } from './tag-selection';

/** One `mirror_rules` row with its registries' names. */
export interface MirrorRuleRow {
  id: string;
  name: string;
  upstreamRegistryId: string;
  upstreamRegistry: string;
  upstreamRepository: string;
  /** As the rule reader took it (mirror-rules.ts): only this lib writes the column. */
  tagSelection: TagSelection;
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

/** Fields left undefined stay as they are. */
export type MirrorRuleChanges = Partial<Omit<NewMirrorRule, 'name'>>;

/** The statuses the `mirror_runs.status` CHECK constraint allows. */
export const MIRROR_RUN_STATUSES = ['running', 'succeeded', 'partial', 'failed'] as const;
export type MirrorRunStatus = (typeof MIRROR_RUN_STATUSES)[number];
/** The triggers the `mirror_runs.trigger` CHECK constraint allows. */
export const MIRROR_TRIGGERS = ['schedule', 'manual'] as const;
export type MirrorTrigger = (typeof MIRROR_TRIGGERS)[number];

export const MIRROR_TAG_OUTCOMES = ['archived', 'moved', 'unchanged', 'failed'] as const;
export type MirrorTagOutcome = (typeof MIRROR_TAG_OUTCOMES)[number];

/** A problem of a run: a tag's, or the run's own (listing upstream failed, the selection capped). */
export interface MirrorProblem {
  tag?: string;
  code: string;
  message: string;
}

/** What happened to one selected tag in a run. */
export interface MirrorTagResult {
  tag: string;
  /**
   * `archived`: a digest the Archive did not have was copied; `moved`: the tag moved to a digest
   * the Archive already had (only tags written); `unchanged`: the tag still points at what was archived.
   */
  outcome: MirrorTagOutcome;
  digest?: string;
  previousDigest?: string | null;
  historyTag?: string;
  bytesCopied?: number;
  error?: { code: string; message: string };
}

/** One `mirror_runs` row. */
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
  errors: MirrorProblem[];
  results: MirrorTagResult[];
  startedAt: Date;
  finishedAt: Date | null;
  /** `started_at` as Postgres prints it (microseconds kept): the keyset cursor's position. */
  startedAtKey: string;
}

export type MirrorRunOutcome = Pick<
  MirrorRunRow,
  'status' | 'tagsChecked' | 'tagsFailed' | 'newDigests' | 'bytesCopied' | 'errors' | 'results'
>;

/** What a tag of an archive repository points at now, as the last sync saw it. */
export interface CurrentArchivedRow {
  tag: string;
  digest: string;
}

/** One `archived_digests` row, with whether it is its tag's newest sighting. */
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

/** A sighting of an upstream tag's digest, archived under `historyTag`. */
export interface ArchivedSighting {
  ruleId: string;
  archiveRegistryId: string;
  repository: string;
  tag: string;
  digest: string;
  historyTag: string | null;
}

const RULE = columns<MirrorRuleRow>({
  id: 'm.id',
  name: 'm.name',
  upstreamRegistryId: 'm.upstream_registry_id',
  upstreamRegistry: 'u.name',
  upstreamRepository: 'm.upstream_repository',
  tagSelection: 'm.tag_selection',
  archiveRegistryId: 'm.archive_registry_id',
  archiveRegistry: 'a.name',
  archiveRepository: 'm.archive_repository',
  schedule: 'm.schedule',
  enabled: 'm.enabled',
  createdAt: 'm.created_at',
  updatedAt: 'm.updated_at',
});
/** The rule rows `m` with the names of their registries. */
const RULE_REGISTRIES = raw(`JOIN registries u ON u.id = m.upstream_registry_id
  JOIN registries a ON a.id = m.archive_registry_id`);

const RUN = columns<MirrorRunRow>({
  id: 'id',
  ruleId: 'rule_id',
  status: 'status',
  trigger: 'trigger',
  scheduledFor: 'scheduled_for',
  tagsChecked: 'tags_checked',
  tagsFailed: 'tags_failed',
  newDigests: 'new_digests',
  bytesCopied: 'bytes_copied::float8',
  errors: 'errors',
  results: 'results',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  startedAtKey: 'started_at::text',
});

const ARCHIVED = columns<ArchivedDigestRow>({
  ruleId: 'rule_id',
  repository: 'repository',
  tag: 'tag',
  digest: 'digest',
  historyTag: 'history_tag',
  firstSeenAt: 'first_seen_at',
  lastSeenAt: 'last_seen_at',
  current: '(last_seen_at = max(last_seen_at) OVER (PARTITION BY tag))',
});

const CHANGEABLE: Record<keyof MirrorRuleChanges, string> = {
  upstreamRegistryId: 'upstream_registry_id',
  upstreamRepository: 'upstream_repository',
  tagSelection: 'tag_selection',
  archiveRegistryId: 'archive_registry_id',
  archiveRepository: 'archive_repository',
  schedule: 'schedule',
  enabled: 'enabled',
};

/** `mirror_rules`, `mirror_runs` and `archived_digests`: the only reader and writer of all three. */
@Injectable()
export class MirrorRepository {
  constructor(private readonly db: Database) {}

  async insertRule(rule: NewMirrorRule, tx: Transaction): Promise<MirrorRuleRow> {
    return (await this.db.one<MirrorRuleRow>(
      sql`WITH m AS (
            INSERT INTO mirror_rules (name, upstream_registry_id, upstream_repository, tag_selection,
              archive_registry_id, archive_repository, schedule, enabled)
            VALUES (${rule.name}, ${rule.upstreamRegistryId}, ${rule.upstreamRepository},
              ${json(rule.tagSelection)}, ${rule.archiveRegistryId}, ${rule.archiveRepository},
              ${rule.schedule}, ${rule.enabled})
            RETURNING *)
          SELECT ${RULE} FROM m ${RULE_REGISTRIES}`,
      tx,
    ))!;
  }

  /** `lock`: the rule's row stays locked (FOR UPDATE) until `tx` ends. */
  findRule(
    key: { id: string } | { name: string },
    tx?: Transaction,
    lock = false,
  ): Promise<MirrorRuleRow | null> {
    const where = 'id' in key ? sql`m.id = ${key.id}` : sql`m.name = ${key.name}`;
    return this.db.one<MirrorRuleRow>(
      sql`SELECT ${RULE} FROM mirror_rules m ${RULE_REGISTRIES}
           WHERE ${where}${lock ? raw(' FOR UPDATE OF m') : raw('')}`,
      tx,
    );
  }

  /** By name; an install has tens of rules, so no pagination. */
  listRules(tx?: Transaction): Promise<MirrorRuleRow[]> {
    return this.db.rows<MirrorRuleRow>(
      sql`SELECT ${RULE} FROM mirror_rules m ${RULE_REGISTRIES} ORDER BY m.name`,
      tx,
    );
  }

  /** Sets the fields given (undefined ones stay); `updated_at` moves whatever changed. */
  async updateRule(
    id: string,
    changes: MirrorRuleChanges,
    tx: Transaction,
  ): Promise<MirrorRuleRow> {
    const sets = (Object.keys(CHANGEABLE) as Array<keyof MirrorRuleChanges>)
      .filter((field) => changes[field] !== undefined)
      .map((field) => {
        const value = field === 'tagSelection' ? json(changes[field]) : changes[field];
        return sql`${raw(CHANGEABLE[field])} = ${value}`;
      });
    sets.push(raw('updated_at = now()'));
    return (await this.db.one<MirrorRuleRow>(
      sql`WITH m AS (UPDATE mirror_rules SET ${join(sets)} WHERE id = ${id} RETURNING *)
          SELECT ${RULE} FROM m ${RULE_REGISTRIES}`,
      tx,
    ))!;
  }

  /** Its runs go with it (ON DELETE CASCADE); its archived digests stay, without a rule. */
  async deleteRule(id: string, tx: Transaction): Promise<void> {
    await this.db.run(sql`DELETE FROM mirror_rules WHERE id = ${id}`, tx);
  }

  /**
   * A run of a rule. A scheduled run is one per tick: when the tick already has a finished run
   * (the queue delivered the tick twice) this answers null. A `running` run of the tick is taken
   * over — the caller holds the rule's lock, so its previous attempt is dead.
   */
  startRun(
    ruleId: string,
    trigger: MirrorTrigger,
    scheduledFor: Date | null,
  ): Promise<MirrorRunRow | null> {
    return this.db.one<MirrorRunRow>(
      sql`INSERT INTO mirror_runs (rule_id, status, trigger, scheduled_for)
          VALUES (${ruleId}, 'running', ${trigger}, ${scheduledFor})
          ON CONFLICT (rule_id, scheduled_for) WHERE scheduled_for IS NOT NULL
          DO UPDATE SET started_at = now(), errors = '[]', results = '[]'
            WHERE mirror_runs.status = 'running'
          RETURNING ${RUN}`,
    );
  }

  async finishRun(id: string, outcome: MirrorRunOutcome, tx?: Transaction): Promise<MirrorRunRow> {
    return (await this.db.one<MirrorRunRow>(
      sql`UPDATE mirror_runs
             SET status = ${outcome.status}, tags_checked = ${outcome.tagsChecked},
                 tags_failed = ${outcome.tagsFailed}, new_digests = ${outcome.newDigests},
                 bytes_copied = ${outcome.bytesCopied}, errors = ${json(outcome.errors)},
                 results = ${json(outcome.results)}, finished_at = now()
           WHERE id = ${id}
          RETURNING ${RUN}`,
      tx,
    ))!;
  }

  /** Newest first, keyset-paged on (started_at, id). */
  listRuns(
    ruleId: string,
    limit: number,
    before?: { startedAtKey: string; id: string },
  ): Promise<MirrorRunRow[]> {
    const after = before
      ? sql`AND (started_at, id) < (${before.startedAtKey}::timestamptz, ${before.id}::uuid)`
      : raw('');
    return this.db.rows<MirrorRunRow>(
      sql`SELECT ${RUN} FROM mirror_runs WHERE rule_id = ${ruleId} ${after}
           ORDER BY started_at DESC, id DESC LIMIT ${limit}`,
    );
  }

  findRun(ruleId: string, id: string): Promise<MirrorRunRow | null> {
    return this.db.one<MirrorRunRow>(
      sql`SELECT ${RUN} FROM mirror_runs WHERE rule_id = ${ruleId} AND id = ${id}`,
    );
  }

  /** Per tag of an archive repository, the digest it pointed at when last checked. */
  currentArchived(
    archiveRegistryId: string,
    repository: string,
    tx?: Transaction,
  ): Promise<CurrentArchivedRow[]> {
    return this.db.rows<CurrentArchivedRow>(
      sql`SELECT DISTINCT ON (tag) tag, digest FROM archived_digests
           WHERE archive_registry_id = ${archiveRegistryId} AND repository = ${repository}
           ORDER BY tag, last_seen_at DESC, id DESC`,
      tx,
    );
  }

  /** The tag points at `digest` upstream now: first seen now if new, else last seen now. */
  async recordArchived(row: ArchivedSighting, tx: Transaction): Promise<void> {
    await this.db.run(
      sql`INSERT INTO archived_digests
            (rule_id, archive_registry_id, repository, tag, digest, history_tag)
          VALUES (${row.ruleId}, ${row.archiveRegistryId}, ${row.repository}, ${row.tag},
            ${row.digest}, ${row.historyTag})
          ON CONFLICT (archive_registry_id, repository, tag, digest)
          DO UPDATE SET last_seen_at = clock_timestamp(), rule_id = EXCLUDED.rule_id,
                        history_tag = COALESCE(archived_digests.history_tag, EXCLUDED.history_tag)`,
      tx,
    );
  }

  /** Every digest of an archive repository (optionally one tag), newest sighting first. */
  listArchived(
    archiveRegistryId: string,
    repository: string,
    tag?: string,
  ): Promise<ArchivedDigestRow[]> {
    const onlyTag = tag === undefined ? raw('') : sql`AND tag = ${tag}`;
    return this.db.rows<ArchivedDigestRow>(
      sql`SELECT ${ARCHIVED} FROM archived_digests
           WHERE archive_registry_id = ${archiveRegistryId} AND repository = ${repository} ${onlyTag}
           ORDER BY tag, last_seen_at DESC, id DESC`,
    );
  }
}
