import { AirlockError } from '@airlock/errors';
import type { Sql, Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { AUDIT_ACTION_PATTERN, type AuditEntry } from './audit-entry';
import { AuditEventRepository, type AuditLink, type NewAuditEvent } from './audit-event.repository';
import { readAuditQuery } from './audit-rules';
import { toAuditRecord, type AuditPage, type AuditRecord } from './audit-view';
import { scrubSecrets } from './scrub-secrets';

/**
 * The audit log. A service records the change it makes inside the same transaction —
 *
 *     await this.transactions.run(async (tx) => {
 *       const row = await this.registries.insert(..., tx);
 *       await this.audit.record({ actor, action: 'registry.created', subject: { type: 'registry', id: row.id }, after: view }, tx);
 *     });
 *
 * — so the log never shows a change that rolled back, nor misses one that committed. A statement
 * that makes its change and audits it at once embeds `auditInsert(entry, link)` instead.
 */
@Injectable()
export class AuditService {
  constructor(private readonly events: AuditEventRepository) {}

  async record(entry: AuditEntry, tx?: Transaction): Promise<AuditRecord> {
    return toAuditRecord(await this.events.append(this.auditInsert(entry), tx));
  }

  /**
   * The INSERT of `entry` (action checked, before and after scrubbed of secrets) as a statement
   * piece: what `record` runs, and what a statement writing the change itself embeds, `link`
   * naming what only that statement knows (the subject's id, fields of `after`).
   */
  auditInsert(entry: AuditEntry, link?: AuditLink): Sql {
    return this.events.insert(rowOf(entry), link);
  }

  /** Newest first, keyset-paged on the event id; the filters as the query string gives them. */
  async list(query: unknown = {}): Promise<AuditPage> {
    const { actor, cursor, limit, ...filters } = readAuditQuery(query);
    // One row more than asked tells whether another page exists without a count.
    const rows = await this.events.find({
      ...filters,
      actorTokenId: actor,
      beforeId: cursor,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit).map(toAuditRecord);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
  }
}

function rowOf(entry: AuditEntry): NewAuditEvent {
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

function asJsonObject(value: object | null | undefined): Record<string, unknown> | null {
  return value === null || value === undefined
    ? null
    : (scrubSecrets(value) as Record<string, unknown>);
}
