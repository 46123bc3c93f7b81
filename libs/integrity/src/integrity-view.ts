import type { FindingKind } from './integrity-comparison';
import type {
  FindingRow,
  FindingStatus,
  IntegrityRunRow,
  RunStatus,
  RunTrigger,
} from './integrity.repository';

/** One audit of one registry, as the API answers it. */
export interface IntegrityRunView {
  id: string;
  registry: string;
  status: RunStatus;
  trigger: RunTrigger;
  /** The scheduler tick it belongs to; null for a run queued by hand. */
  scheduledFor: Date | null;
  repositoriesChecked: number;
  tagsChecked: number;
  digestsChecked: number;
  /** Findings this run saw (new or seen before). */
  findings: number;
  newFindings: number;
  resolvedFindings: number;
  /** The run did not see the whole registry (capped, or it failed): `reason` says why. */
  partial: boolean;
  reason: string | null;
  error: { code: string; message: string } | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface AcknowledgementView {
  by: string | null;
  byName: string | null;
  at: Date;
  comment: string;
}

/** Something the ledger does not explain, from its first sighting to its resolution. */
export interface FindingView {
  id: string;
  registry: string;
  repository: string;
  kind: FindingKind;
  tag: string | null;
  digest: string | null;
  artifactType: string | null;
  /** For a platform manifest of an index: `os/architecture[/variant]` and its digest. */
  platform: string | null;
  platformDigest: string | null;
  expectedDigest: string | null;
  actualDigest: string | null;
  status: FindingStatus;
  firstSeenRunId: string;
  lastSeenRunId: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  acknowledged: AcknowledgementView | null;
}

/** `GET /integrity`: the newest run of each registry and the findings asked for. */
export interface IntegrityOverview {
  runs: IntegrityRunView[];
  findings: FindingView[];
}

export interface IntegrityRunPage {
  items: IntegrityRunView[];
  nextCursor: string | null;
}

/** `POST /integrity/runs`: the runs queued. */
export interface IntegrityRunsQueued {
  items: IntegrityRunView[];
}

export function toRunView(row: IntegrityRunRow): IntegrityRunView {
  return {
    id: row.id,
    registry: row.registry,
    status: row.status,
    trigger: row.trigger,
    scheduledFor: row.scheduledFor,
    repositoriesChecked: row.repositoriesChecked,
    tagsChecked: row.tagsChecked,
    digestsChecked: row.digestsChecked,
    findings: row.findings,
    newFindings: row.newFindings,
    resolvedFindings: row.resolvedFindings,
    partial: row.partial,
    reason: row.reason,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

export function toFindingView(row: FindingRow): FindingView {
  return {
    id: row.id,
    registry: row.registry,
    repository: row.repository,
    kind: row.kind,
    tag: row.tag,
    digest: row.digest,
    artifactType: row.artifactType,
    platform: row.platform,
    platformDigest: row.platformDigest,
    expectedDigest: row.expectedDigest,
    actualDigest: row.actualDigest,
    status: row.status,
    firstSeenRunId: row.firstSeenRunId,
    lastSeenRunId: row.lastSeenRunId,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    resolvedAt: row.resolvedAt,
    acknowledged: row.acknowledgedAt
      ? {
          by: row.acknowledgedBy,
          byName: row.acknowledgedByName,
          at: row.acknowledgedAt,
          comment: row.acknowledgeComment ?? '',
        }
      : null,
  };
}
