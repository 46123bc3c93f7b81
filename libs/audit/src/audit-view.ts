import type { AuditEventRow } from './audit-event.repository';

/** One event of the audit log as the API shows it. */
export interface AuditRecord {
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

export interface AuditPage {
  items: AuditRecord[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export function toAuditRecord(row: AuditEventRow): AuditRecord {
  return {
    id: row.id,
    occurredAt: row.occurredAt,
    actorTokenId: row.actorTokenId,
    actorName: row.actorName,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    before: row.before,
    after: row.after,
    requestId: row.requestId,
  };
}
