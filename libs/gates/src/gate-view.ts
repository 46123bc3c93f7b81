import type { ApproverRow, GateResultRow, GateStatus } from './gate-result.repository';

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

export interface GateHistoryPage {
  items: GateRecord[];
  nextCursor: string | null;
}

/** A digest's ledger: the newest result of every gate, and a page of its history. */
export interface GateLedger {
  digest: string;
  latest: GateRecord[];
  history: GateHistoryPage;
}

/** One approver of one approval gate of a digest, with their newest approval there. */
export type Approver = ApproverRow;

/** Who four-eyes excludes for a digest (token ids). */
export interface DigestPrincipals {
  registeredBy: string[];
  requestedBy: string[];
}

/** A digest's standing in the ledger, as a policy judges it. */
export interface LedgerStanding {
  /** The newest result of every gate. */
  latestGates: GateRecord[];
  approvers: Approver[];
  principals: DigestPrincipals;
}

export function toGateRecord(row: GateResultRow): GateRecord {
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
