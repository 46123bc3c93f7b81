import type { DryRunView } from '../plan-view';
import {
  errorOf,
  type ErrorView,
  type ProgressView,
  type PromotionRequesterView,
  type PromotionView,
} from '../promotion-view';
import type { LandedTag, ReleaseRow, ReleaseStatus } from './release.repository';

/**
 * A release as the API answers it: its items are its promotions, in the order requested, each
 * with its progress per target registry. `tagsLanded` is what the commit wrote so far.
 */
export interface ReleaseView {
  id: string;
  name: string | null;
  status: ReleaseStatus;
  source: { stage: string };
  target: { stage: string };
  requestedBy: PromotionRequesterView;
  /** Sum over every item's targets. */
  progress: ProgressView;
  /** Targets (item × registry) whose copy landed, of all targets: the commit starts at all. */
  staged: { done: number; total: number };
  tagsLanded: LandedTag[];
  items: PromotionView[];
  error: ErrorView | null;
  /** 1, then one more for each retry of the release. */
  run: number;
  createdAt: Date;
  finishedAt: Date | null;
  updatedAt: Date;
}

export interface ReleasePage {
  items: ReleaseView[];
  nextCursor: string | null;
}

/** A release dry run: each item's plan and verdict; `ready` when every item is. Nothing written. */
export interface ReleaseDryRunView {
  dryRun: true;
  ready: boolean;
  items: DryRunView[];
}

export function toReleaseView(row: ReleaseRow, items: PromotionView[]): ReleaseView {
  const targets = items.flatMap((item) => item.targets);
  const staged = targets.filter((t) => t.stagedAt !== null || t.status === 'succeeded').length;
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    source: { stage: row.sourceStage },
    target: { stage: row.targetStage },
    requestedBy: { id: row.requestedBy, name: row.requestedByName },
    progress: items.reduce<ProgressView>(
      (sum, { progress: p }) => ({
        bytesDone: sum.bytesDone + p.bytesDone,
        bytesTotal: sum.bytesTotal + p.bytesTotal,
        blobsDone: sum.blobsDone + p.blobsDone,
        blobsTotal: sum.blobsTotal + p.blobsTotal,
      }),
      { bytesDone: 0, bytesTotal: 0, blobsDone: 0, blobsTotal: 0 },
    ),
    staged: { done: staged, total: targets.length },
    tagsLanded: row.tagsLanded,
    items,
    error: errorOf(row.errorCode, row.errorMessage),
    run: row.run,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    updatedAt: row.updatedAt,
  };
}
