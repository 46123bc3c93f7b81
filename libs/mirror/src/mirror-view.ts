import type {
  ArchivedDigestRow,
  MirrorProblem,
  MirrorRuleRow,
  MirrorRunRow,
  MirrorRunStatus,
  MirrorTagResult,
  MirrorTrigger,
} from './mirror.repository';
import type { RepositoryRef } from './mirror-rules';
import type { TagSelection } from './tag-selection';

export interface MirrorRuleView {
  id: string;
  name: string;
  upstream: RepositoryRef;
  tags: TagSelection;
  archive: RepositoryRef;
  schedule: string;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface MirrorRunView {
  id: string;
  rule: string;
  status: MirrorRunStatus;
  trigger: MirrorTrigger;
  scheduledFor: Date | null;
  tagsChecked: number;
  tagsFailed: number;
  newDigests: number;
  bytesCopied: number;
  errors: MirrorProblem[];
  /** Per selected tag. */
  tags: MirrorTagResult[];
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
}

/** `POST …/sync`'s answer. */
export interface SyncRequested {
  rule: string;
  /** The queue job of this sync; its run appears under `GET …/runs` once it starts. */
  jobId: string;
}

export interface MirrorRunPage {
  items: MirrorRunView[];
  nextCursor: string | null;
}

export interface ArchivedDigestView {
  tag: string;
  digest: string;
  /** Pull it by digest, or by this tag, from the Archive. */
  historyTag: string | null;
  /** The digest the tag pointed at upstream when last checked. */
  current: boolean;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export function toMirrorRuleView(row: MirrorRuleRow): MirrorRuleView {
  return {
    id: row.id,
    name: row.name,
    upstream: { registry: row.upstreamRegistry, repository: row.upstreamRepository },
    tags: row.tagSelection,
    archive: { registry: row.archiveRegistry, repository: row.archiveRepository },
    schedule: row.schedule,
    enabled: row.enabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toMirrorRunView(row: MirrorRunRow, rule: string): MirrorRunView {
  return {
    id: row.id,
    rule,
    status: row.status,
    trigger: row.trigger,
    scheduledFor: row.scheduledFor,
    tagsChecked: row.tagsChecked,
    tagsFailed: row.tagsFailed,
    newDigests: row.newDigests,
    bytesCopied: row.bytesCopied,
    errors: row.errors,
    tags: row.results,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs:
      row.finishedAt === null
        ? null
        : new Date(row.finishedAt).getTime() - new Date(row.startedAt).getTime(),
  };
}

export function toArchivedDigestView(row: ArchivedDigestRow): ArchivedDigestView {
  return {
    tag: row.tag,
    digest: row.digest,
    historyTag: row.historyTag,
    current: row.current,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
  };
}
