import { PROMOTION_STATUSES, type PromotionStatus } from '@airlock/promotions';
import type {
  DryRunView as DryRun,
  ErrorView as PromotionError,
  ProgressView as Progress,
  PromotionPage,
  PromotionRequesterView as PromotionRequester,
  PromotionSourceView as PromotionSource,
  PromotionTargetStageView as PromotionTargetStage,
  PromotionTargetView as PromotionTarget,
  PromotionView as Promotion,
  TargetPlanView as TargetPlan,
} from '@airlock/promotions';
import { ApiProperty } from '@nestjs/swagger';
import { ReadinessView } from '../policies/policy.views';

const EXAMPLE_DIGEST = `sha256:${'a'.repeat(64)}`;

/** The answers' documents: the compiler holds each to its view in @airlock/promotions. */
export class PromotionProgressView implements Progress {
  @ApiProperty({ description: 'Bytes accounted for: streamed, mounted or already present.' })
  bytesDone!: number;
  @ApiProperty()
  bytesTotal!: number;
  @ApiProperty()
  blobsDone!: number;
  @ApiProperty()
  blobsTotal!: number;
}

export class PromotionErrorView implements PromotionError {
  @ApiProperty({ example: 'REGISTRY_UNREACHABLE', description: 'A code from docs/api-errors.md.' })
  code!: string;
  @ApiProperty()
  message!: string;
}

export class PromotionTargetView implements PromotionTarget {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'prod-eu' })
  registry!: string;
  @ApiProperty({ example: 'team/app' })
  repository!: string;
  @ApiProperty({ enum: PROMOTION_STATUSES })
  status!: PromotionStatus;
  @ApiProperty({ type: PromotionProgressView })
  progress!: PromotionProgressView;
  @ApiProperty({ description: 'Copy attempts so far, automatic retries included.' })
  attempts!: number;
  @ApiProperty({ description: '1, then one more per retry requested through the API.' })
  run!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Once landed: blobs copied / mounted / skipped, bytes, referrers, duration.',
  })
  result!: Record<string, unknown> | null;
  @ApiProperty({
    type: PromotionErrorView,
    nullable: true,
    description: 'The last error; on a queued target it is the one being retried.',
  })
  error!: PromotionErrorView | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  startedAt!: Date | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: "A release item's copy landed, its tags waiting for the release's commit.",
  })
  stagedAt!: Date | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finishedAt!: Date | null;
}

export class PromotionSourceView implements PromotionSource {
  @ApiProperty({ example: 'ci', nullable: true, type: String })
  stage!: string | null;
  @ApiProperty({ example: 'ci-pool' })
  registry!: string;
  @ApiProperty({ example: 'team/app' })
  repository!: string;
  @ApiProperty({
    example: 'build-42',
    nullable: true,
    type: String,
    description: 'The tag the request named, if any.',
  })
  tag!: string | null;
}

export class PromotionTargetStageView implements PromotionTargetStage {
  @ApiProperty({ example: 'prod' })
  stage!: string;
  @ApiProperty({ example: 'team/app' })
  repository!: string;
}

export class PromotionRequesterView implements PromotionRequester {
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  id!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'jenkins' })
  name!: string | null;
}

export class TargetPlanView implements TargetPlan {
  @ApiProperty({ example: 'prod-eu' })
  registry!: string;
  @ApiProperty({ example: EXAMPLE_DIGEST })
  digest!: string;
  @ApiProperty({ example: 'application/vnd.oci.image.index.v1+json' })
  mediaType!: string;
  @ApiProperty({ enum: ['image', 'index', 'platform-subset'] })
  mode!: string;
  @ApiProperty({ description: 'The target holds the digest already: only tags remain.' })
  alreadyPresent!: boolean;
  @ApiProperty({
    type: 'object',
    properties: {
      total: { type: 'number' },
      copy: { type: 'number' },
      mount: { type: 'number' },
      skip: { type: 'number' },
    },
  })
  blobs!: { total: number; copy: number; mount: number; skip: number };
  @ApiProperty({
    description:
      'Bytes of the blobs planned as `copy`. A dry run asked the target about each blob; an accepted request planned from what Airlock remembers of where blobs live, so its `copy` is "upload unless the target holds it" (the copy asks as it goes) and the target\'s `result.blobs` says what happened.',
  })
  bytesToCopy!: number;
  @ApiProperty()
  bytesTotal!: number;
  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: { tag: { type: 'string' }, currentDigest: { type: 'string' } },
    },
    description: 'Tags that point at another digest in this registry now.',
  })
  tagCollisions!: Array<{ tag: string; currentDigest: string }>;
  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: {
        digest: { type: 'string' },
        size: { type: 'number' },
        action: { type: 'string', enum: ['copy', 'mount', 'skip'] },
      },
    },
    description:
      'Per blob: `mount` from another repository of the target registry that may hold it, `skip` (the target holds it), `copy` (upload). Exact in a dry run; from memory in an accepted request (see `bytesToCopy`).',
  })
  blobActions!: Array<{ digest: string; size: number; action: string }>;
  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: {
        digest: { type: 'string' },
        mediaType: { type: 'string' },
        artifactType: { type: 'string', nullable: true },
        subject: {
          type: 'string',
          description: 'The manifest it refers to: the root, a platform manifest, or a referrer.',
        },
        action: { type: 'string', enum: ['copy', 'skip'] },
      },
    },
    description:
      'Every referrer the copy carries (signatures, SBOMs, attestations of the root, of each platform manifest, and of referrers); `skip` = the registry has it.',
  })
  referrers!: Array<{
    digest: string;
    mediaType: string;
    artifactType: string | null;
    subject: string;
    action: string;
  }>;
}

export class PromotionView implements Promotion {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ enum: PROMOTION_STATUSES })
  status!: PromotionStatus;
  @ApiProperty({ example: EXAMPLE_DIGEST })
  digest!: string;
  @ApiProperty({ type: PromotionSourceView })
  source!: PromotionSourceView;
  @ApiProperty({ type: PromotionTargetStageView })
  target!: PromotionTargetStageView;
  @ApiProperty({ type: [String], example: ['1.4.2'] })
  tags!: string[];
  @ApiProperty({ type: PromotionRequesterView })
  requestedBy!: PromotionRequesterView;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      'The release it is an item of (its tags are written when the whole release landed).',
  })
  releaseId!: string | null;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'The gate results and approvals that satisfied the policy at request time.',
  })
  evidence!: unknown[];
  @ApiProperty({ type: [TargetPlanView], description: 'The plan computed at request time.' })
  plan!: unknown[];
  @ApiProperty({ type: PromotionProgressView, description: 'Summed over the targets.' })
  progress!: PromotionProgressView;
  @ApiProperty({
    type: [PromotionTargetView],
    description: 'One per registry of the target stage.',
  })
  targets!: PromotionTargetView[];
  @ApiProperty({ type: PromotionErrorView, nullable: true })
  error!: PromotionErrorView | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  startedAt!: Date | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finishedAt!: Date | null;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: Date;
}

export class PromotionPageView implements PromotionPage {
  @ApiProperty({ type: [PromotionView], description: 'Newest first.' })
  items!: PromotionView[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class DryRunView implements DryRun {
  @ApiProperty({ enum: [true] })
  dryRun!: true;
  @ApiProperty({ example: EXAMPLE_DIGEST })
  digest!: string;
  @ApiProperty({ description: 'The same request without dryRun would be accepted now.' })
  ready!: boolean;
  @ApiProperty({ type: ReadinessView })
  evaluation!: ReadinessView;
  @ApiProperty({ type: [TargetPlanView] })
  targets!: TargetPlanView[];
}
