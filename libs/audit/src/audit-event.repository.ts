import {
  columns,
  Database,
  join,
  json,
  raw,
  sql,
  type Sql,
  type Transaction,
} from '@airlock/persistence';
import { Injectable } from '@nestjs/common';

/** One `audit_events` row. Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE. */
export interface AuditEventRow {
  /** bigint identity; pg answers it as a string, which is also what the API shows. */
  id: string;
  occurredAt: Date;
  actorTokenId: string | null;
  actorName: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
}

/** What an event is written with (`id` and `occurredAt` are the database's). */
export type NewAuditEvent = Omit<AuditEventRow, 'id' | 'occurredAt'>;

/**
 * What a statement that embeds the insert knows and its caller does not yet: the rows it reads
 * (`from`, e.g. a CTE over the change the statement makes), the subject's id as an expression over
 * them, and a jsonb object over them merged into `after` (the new row's id and time).
 */
export interface AuditLink {
  from: Sql;
  subjectId: Sql;
  addToAfter: Sql;
}

export interface AuditEventQuery {
  actorTokenId?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
  /** Keyset cursor: only events with a smaller id (older). */
  beforeId?: string;
  limit: number;
}

const EVENT = columns<AuditEventRow>({
  id: 'id',
  occurredAt: 'occurred_at',
  actorTokenId: 'actor_token_id',
  actorName: 'actor_name',
  action: 'action',
  subjectType: 'subject_type',
  subjectId: 'subject_id',
  before: 'before',
  after: 'after',
  requestId: 'request_id',
});

const NOTHING = raw('');

/**
 * `audit_events`: the only reader and writer. Newest first by id, keyset-paged: each filter has an
 * index ending in `id DESC` (ix_audit_events_actor, _action, _subject), so a page costs `limit`
 * rows however long the log grows.
 */
@Injectable()
export class AuditEventRepository {
  constructor(private readonly db: Database) {}

  /**
   * The INSERT of one event, as a piece (no RETURNING): `append` runs it, and a statement that
   * makes a change can embed it (with `link`) so the change and its event are one statement.
   * Parameters are typed: in INSERT … SELECT, Postgres cannot take their types from the columns.
   */
  insert(event: NewAuditEvent, link?: AuditLink): Sql {
    const subjectId = link ? link.subjectId : sql`${event.subjectId}::text`;
    const after = link
      ? sql`${jsonOrNull(event.after)} || ${link.addToAfter}`
      : jsonOrNull(event.after);
    return sql`INSERT INTO audit_events
        (actor_token_id, actor_name, action, subject_type, subject_id, before, after, request_id)
      SELECT ${event.actorTokenId}::uuid, ${event.actorName}::text, ${event.action}::text,
             ${event.subjectType}::text, ${subjectId}, ${jsonOrNull(event.before)}, ${after},
             ${event.requestId}::text${link ? sql` FROM ${link.from}` : NOTHING}`;
  }

  /** Runs `insert` (a piece of `insert()`) and answers the row it wrote. */
  async append(insert: Sql, tx?: Transaction): Promise<AuditEventRow> {
    return (await this.db.one<AuditEventRow>(sql`${insert} RETURNING ${EVENT}`, tx))!;
  }

  find(query: AuditEventQuery, tx?: Transaction): Promise<AuditEventRow[]> {
    const where = [
      query.actorTokenId === undefined ? null : sql`actor_token_id = ${query.actorTokenId}::uuid`,
      query.action === undefined ? null : sql`action = ${query.action}`,
      query.subjectType === undefined ? null : sql`subject_type = ${query.subjectType}`,
      query.subjectId === undefined ? null : sql`subject_id = ${query.subjectId}`,
      query.since === undefined ? null : sql`occurred_at >= ${query.since}`,
      query.until === undefined ? null : sql`occurred_at < ${query.until}`,
      query.beforeId === undefined ? null : sql`id < ${query.beforeId}::bigint`,
    ].filter((condition): condition is Sql => condition !== null);
    const filter = where.length === 0 ? NOTHING : sql`WHERE ${join(where, raw(' AND '))}`;
    return this.db.rows<AuditEventRow>(
      sql`SELECT ${EVENT} FROM audit_events ${filter} ORDER BY id DESC LIMIT ${query.limit}`,
      tx,
    );
  }
}

/** SQL NULL for a missing document (not the JSON `null`). */
function jsonOrNull(value: Record<string, unknown> | null): Sql {
  return value === null ? sql`${null}::jsonb` : json(value);
}
