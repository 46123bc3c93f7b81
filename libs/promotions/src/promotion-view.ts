import type { PromotionRow, PromotionStatus, PromotionTargetRow } from './promotion.repository';

export interface ProgressView {
  bytesDone: number;
  bytesTotal: number;
  blobsDone: number;
  blobsTotal: number;
}

export interface ErrorView {
  code: string;
  message: string;
}

export interface PromotionTargetView {
  id: string;
  registry: string;
  repository: string;
  status: PromotionStatus;
  progress: ProgressView;
  /** Attempts of the copy job so far (retries after transient failures included). */
  attempts: number;
  /** 1, then one more for each retry requested through the API. */
  run: number;
  /** The copy's summary once it landed: blobs copied / mounted / skipped, bytes, duration. */
  result: Record<string, unknown> | null;
  /** The last error; a queued target with an error is waiting to retry it. */
  error: ErrorView | null;
  startedAt: Date | null;
  /** A release item's copy landed without its tags, waiting for the release to commit. */
  stagedAt: Date | null;
  finishedAt: Date | null;
}

/** Where the image comes from: the stage, the registry and repository, the tag the request named. */
export interface PromotionSourceView {
  stage: string | null;
  registry: string;
  repository: string;
  tag: string | null;
}

export interface PromotionTargetStageView {
  stage: string;
  repository: string;
}

/** The token that requested it (null once the token is gone). */
export interface PromotionRequesterView {
  id: string | null;
  name: string | null;
}

export interface PromotionView {
  id: string;
  status: PromotionStatus;
  digest: string;
  source: PromotionSourceView;
  target: PromotionTargetStageView;
  tags: string[];
  requestedBy: PromotionRequesterView;
  /** The release this promotion is an item of: its tags are written when the whole release landed. */
  releaseId: string | null;
  /** The gate results and approvals that satisfied the policy when it was requested. */
  evidence: unknown[];
  /** The plan computed at request time, per target registry. */
  plan: unknown[];
  /** Sum over the targets. */
  progress: ProgressView;
  targets: PromotionTargetView[];
  error: ErrorView | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

export interface PromotionPage {
  items: PromotionView[];
  nextCursor: string | null;
}

/** A promotion of an image, as the image's page lists it. */
export interface PromotionSummary {
  id: string;
  status: string;
  source: { stage: string | null; registry: string; repository: string };
  targetStage: string;
  tags: string[];
  error: { code: string; message: string } | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export function toPromotionSummary(row: PromotionRow): PromotionSummary {
  return {
    id: row.id,
    status: row.status,
    source: {
      stage: row.sourceStage,
      registry: row.sourceRegistry,
      repository: row.sourceRepository,
    },
    targetStage: row.targetStage,
    tags: row.tags,
    error: row.errorCode === null ? null : { code: row.errorCode, message: row.errorMessage ?? '' },
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}

export function toPromotionView(row: PromotionRow, targets: PromotionTargetRow[]): PromotionView {
  const mine = targets.filter((t) => t.promotionId === row.id);
  return {
    id: row.id,
    status: row.status,
    digest: row.digest,
    source: {
      stage: row.sourceStage,
      registry: row.sourceRegistry,
      repository: row.sourceRepository,
      tag: row.sourceTag,
    },
    target: { stage: row.targetStage, repository: mine[0]?.repository ?? row.sourceRepository },
    tags: row.tags,
    requestedBy: { id: row.requestedBy, name: row.requestedByName },
    releaseId: row.releaseId,
    evidence: row.evidence,
    plan: row.plan,
    progress: sumProgress(mine),
    targets: mine.map(toTargetView),
    error: errorOf(row.errorCode, row.errorMessage),
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    updatedAt: row.updatedAt,
  };
}

function toTargetView(row: PromotionTargetRow): PromotionTargetView {
  return {
    id: row.id,
    registry: row.registry,
    repository: row.repository,
    status: row.status,
    progress: {
      bytesDone: row.bytesDone,
      bytesTotal: row.bytesTotal,
      blobsDone: row.blobsDone,
      blobsTotal: row.blobsTotal,
    },
    attempts: row.attempts,
    run: row.run,
    result: row.result,
    error: errorOf(row.errorCode, row.errorMessage),
    startedAt: row.startedAt,
    stagedAt: row.stagedAt,
    finishedAt: row.finishedAt,
  };
}

export function sumProgress(targets: PromotionTargetRow[]): ProgressView {
  return targets.reduce<ProgressView>(
    (sum, t) => ({
      bytesDone: sum.bytesDone + t.bytesDone,
      bytesTotal: sum.bytesTotal + t.bytesTotal,
      blobsDone: sum.blobsDone + t.blobsDone,
      blobsTotal: sum.blobsTotal + t.blobsTotal,
    }),
    { bytesDone: 0, bytesTotal: 0, blobsDone: 0, blobsTotal: 0 },
  );
}

export function errorOf(code: string | null, message: string | null): ErrorView | null {
  return code === null ? null : { code, message: message ?? code };
}
