import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { AuditEvent } from '../entities/audit-event.entity';
import { managerOf, type Transaction } from '../transaction';

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

/**
 * Appends to and reads `audit_events`. Newest first by id, keyset-paged: each filter has an index
 * ending in `id DESC` (ix_audit_events_actor, _action, _subject), so a page costs `limit` rows
 * however long the log grows.
 */
@Injectable()
export class AuditEventRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  append(event: NewAuditEvent, tx?: Transaction): Promise<AuditEvent> {
    const repository = this.repository(tx);
    return repository.save(repository.create(event));
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
