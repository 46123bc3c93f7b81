import type { GateResult, GateStatus } from '@airlock/persistence';

/** A gate result as the API, the audit log and the evaluator see it. */
export interface GateRecord {
  id: string;
  digest: string;
  gate: string;
  status: GateStatus;
  /** Recorded through the approval endpoint by a human approver. */
  approval: boolean;
  url: string | null;
  details: Record<string, unknown>;
  /** Token id of who recorded it (the approver, for approvals). */
  recordedBy: string | null;
  /** That token's name at the time. */
  recordedByName: string | null;
  recordedAt: Date;
}

export interface GateResultInput {
  gate: string;
  status: GateStatus;
  url?: string | null;
  details?: Record<string, unknown> | null;
}

export interface ApprovalInput {
  /** Defaults to `approval`. */
  gate?: string;
  comment?: string;
}

export interface GateHistoryFilters {
  gate?: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  limit?: number;
}

export interface GateHistoryPage {
  items: GateRecord[];
  nextCursor: string | null;
}

/** One approver of one approval gate of a digest, with their newest approval there. */
export interface Approver {
  gate: string;
  approverId: string;
  approverName: string | null;
  status: GateStatus;
}

export function toGateRecord(row: GateResult): GateRecord {
  return {
    id: row.id,
    digest: row.digest,
    gate: row.gate,
    status: row.status,
    approval: row.isApproval,
    url: row.url,
    details: row.details,
    recordedBy: row.recordedBy,
    recordedByName: row.recordedByName,
    recordedAt: row.createdAt,
  };
}
