import { AirlockError } from '@airlock/errors';
import {
  AuditEventRepository,
  type AuditEvent,
  type NewAuditEvent,
  type Transaction,
} from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import {
  AUDIT_ACTION_PATTERN,
  AUDIT_PAGE_LIMIT,
  type AuditEntry,
  type AuditFilters,
  type AuditPage,
  type AuditRecord,
} from './audit-entry';
import { scrubSecrets } from './scrub-secrets';

/**
 * The audit log. A service records the change it makes inside the same transaction —
 *
 *     await this.transactions.run(async (tx) => {
 *       const row = await this.registries.insert(..., tx);
 *       await this.audit.record({ actor, action: 'registry.created', subject: { type: 'registry', id: row.id }, after: view }, tx);
 *     });
 *
 * — so the log never shows a change that rolled back, nor misses one that committed.
 */
@Injectable()
export class AuditService {
  constructor(private readonly events: AuditEventRepository) {}

  async record(entry: AuditEntry, tx?: Transaction): Promise<AuditRecord> {
    return toRecord(await this.events.append(this.prepare(entry), tx));
  }

  /**
   * The row `entry` is stored as (action checked, before and after scrubbed of secrets), for
   * statements that write it themselves along with the change.
   */
  prepare(entry: AuditEntry): NewAuditEvent {
    if (!AUDIT_ACTION_PATTERN.test(entry.action)) {
      throw new AirlockError('INTERNAL', `audit action "${entry.action}" is not <subject>.<verb>`);
    }
    return {
      actorTokenId: entry.actor.tokenId,
      actorName: entry.actor.name,
      action: entry.action,
      subjectType: entry.subject.type,
      subjectId: entry.subject.id ?? null,
      before: asJsonObject(entry.before),
      after: asJsonObject(entry.after),
      requestId: entry.actor.requestId ?? null,
    };
  }

  /** Newest first, keyset-paged on the event id. */
  async list(filters: AuditFilters = {}): Promise<AuditPage> {
    const limit = filters.limit ?? AUDIT_PAGE_LIMIT.default;
    if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_PAGE_LIMIT.max) {
      throw invalid('limit', 'max', `limit must be between 1 and ${AUDIT_PAGE_LIMIT.max}`);
    }
    if (filters.subjectId !== undefined && filters.subjectType === undefined) {
      throw invalid('subjectType', 'isDefined', 'subjectType is required when subjectId is given');
    }
    if (filters.cursor !== undefined && !/^[1-9]\d{0,17}$/.test(filters.cursor)) {
      throw invalid('cursor', 'cursor', 'cursor must be the nextCursor of a previous page');
    }
    // One row more than asked tells whether another page exists without a count.
    const rows = await this.events.find({
      actorTokenId: filters.actor,
      action: filters.action,
      subjectType: filters.subjectType,
      subjectId: filters.subjectId,
      since: filters.since,
      until: filters.until,
      beforeId: filters.cursor,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit).map(toRecord);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
  }
}

function asJsonObject(value: object | null | undefined): Record<string, unknown> | null {
  return value === null || value === undefined
    ? null
    : (scrubSecrets(value) as Record<string, unknown>);
}

function toRecord(event: AuditEvent): AuditRecord {
  return {
    id: String(event.id),
    occurredAt: event.occurredAt,
    actorTokenId: event.actorTokenId,
    actorName: event.actorName,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    before: event.before,
    after: event.after,
    requestId: event.requestId,
  };
}

function invalid(field: string, rule: string, message: string): AirlockError {
  return new AirlockError('INVALID_INPUT', message, {
    details: { errors: [{ field, rule, message }] },
  });
}
