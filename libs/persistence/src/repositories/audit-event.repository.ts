import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { AuditEvent } from '../entities/audit-event.entity';
import { managerOf, sqlOf, type Transaction } from '../transaction';

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'occurredAt'>;

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

/** The AuditEvent entity's properties, from plain SQL. */
const AUDIT_EVENT_COLUMNS = `id, occurred_at AS "occurredAt", actor_token_id AS "actorTokenId",
  actor_name AS "actorName", action, subject_type AS "subjectType", subject_id AS "subjectId",
  before, after, request_id AS "requestId"`;

/** The columns an audit event is written with, in NewAuditEvent's order (append's parameters). */
export const AUDIT_INSERT_COLUMNS =
  'actor_token_id, actor_name, action, subject_type, subject_id, before, after, request_id';

/** SQL NULL for a missing document (not the JSON `null`), as the entity mapping stored it. */
export function jsonOrNull(value: Record<string, unknown> | null | undefined): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/**
 * Appends to and reads `audit_events`. Newest first by id, keyset-paged: each filter has an index
 * ending in `id DESC` (ix_audit_events_actor, _action, _subject), so a page costs `limit` rows
 * however long the log grows.
 */
@Injectable()
export class AuditEventRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One INSERT … RETURNING in plain SQL: every state-changing request appends here, and the
   * entity manager's save() costs more CPU than the insert itself.
   */
  async append(event: NewAuditEvent, tx?: Transaction): Promise<AuditEvent> {
    const rows = await sqlOf(tx, this.dataSource)<AuditEvent>(
      `INSERT INTO audit_events (${AUDIT_INSERT_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)
       RETURNING ${AUDIT_EVENT_COLUMNS}`,
      [
        event.actorTokenId,
        event.actorName,
        event.action,
        event.subjectType,
        event.subjectId,
        jsonOrNull(event.before),
        jsonOrNull(event.after),
        event.requestId,
      ],
    );
    return rows[0]!;
  }

  find(query: AuditEventQuery): Promise<AuditEvent[]> {
    const select = this.repository().createQueryBuilder('e');
    if (query.actorTokenId !== undefined)
      select.andWhere('e.actor_token_id = :actor', { actor: query.actorTokenId });
    if (query.action !== undefined) select.andWhere('e.action = :action', { action: query.action });
    if (query.subjectType !== undefined)
      select.andWhere('e.subject_type = :type', { type: query.subjectType });
    if (query.subjectId !== undefined)
      select.andWhere('e.subject_id = :subject', { subject: query.subjectId });
    if (query.since !== undefined)
      select.andWhere('e.occurred_at >= :since', { since: query.since });
    if (query.until !== undefined)
      select.andWhere('e.occurred_at < :until', { until: query.until });
    if (query.beforeId !== undefined) select.andWhere('e.id < :before', { before: query.beforeId });
    return select.orderBy('e.id', 'DESC').limit(query.limit).getMany();
  }

  private repository(tx?: Transaction): Repository<AuditEvent> {
    return managerOf(tx, this.dataSource.manager).getRepository(AuditEvent);
  }
}
