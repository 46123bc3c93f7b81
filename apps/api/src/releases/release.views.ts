import { RELEASE_STATUSES, type ReleaseStatus } from '@airlock/promotions';
import type {
  LandedTag,
  ReleaseDryRunView as ReleaseDryRun,
  ReleasePage,
  ReleaseView as Release,
} from '@airlock/promotions';
import { ApiProperty } from '@nestjs/swagger';
import {
  DryRunView,
  PromotionErrorView,
  PromotionProgressView,
  PromotionRequesterView,
  PromotionView,
} from '../promotions/promotion.views';

/** The answers' documents: the compiler holds each to its view in @airlock/promotions. */
export class LandedTagView implements LandedTag {
  @ApiProperty({ example: 'prod-eu' })
  registry!: string;
  @ApiProperty({ example: 'team/payments' })
  repository!: string;
  @ApiProperty({ example: '2026.12' })
  tag!: string;
}

export class ReleaseStageView {
  @ApiProperty({ example: 'prod' })
  stage!: string;
}

export class ReleaseStagedView {
  @ApiProperty({ description: 'Targets (item × registry) whose blobs and manifests landed.' })
  done!: number;
  @ApiProperty()
  total!: number;
}

export class ReleaseView implements Release {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ nullable: true, type: String, example: '2026.12 payments' })
  name!: string | null;
  @ApiProperty({
    enum: RELEASE_STATUSES,
    description:
      'running (items copying) → committing (every item landed everywhere; tags being written) → succeeded; ' +
      'failed (an item failed: the others were cancelled, no tag written; or the tag writes kept failing: ' +
      '`tagsLanded` says which landed) or cancelled; both can be retried.',
  })
  status!: ReleaseStatus;
  @ApiProperty({ type: ReleaseStageView })
  source!: ReleaseStageView;
  @ApiProperty({ type: ReleaseStageView })
  target!: ReleaseStageView;
  @ApiProperty({ type: PromotionRequesterView })
  requestedBy!: PromotionRequesterView;
  @ApiProperty({ type: PromotionProgressView, description: "Summed over every item's targets." })
  progress!: PromotionProgressView;
  @ApiProperty({ type: ReleaseStagedView })
  staged!: ReleaseStagedView;
  @ApiProperty({ type: [LandedTagView], description: 'Tags the commit wrote so far.' })
  tagsLanded!: LandedTagView[];
  @ApiProperty({ type: [PromotionView], description: 'One promotion per item, in request order.' })
  items!: PromotionView[];
  @ApiProperty({ type: PromotionErrorView, nullable: true })
  error!: PromotionErrorView | null;
  @ApiProperty({ description: '1, then one more per retry.' })
  run!: number;
  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finishedAt!: Date | null;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: Date;
}

export class ReleasePageView implements ReleasePage {
  @ApiProperty({ type: [ReleaseView], description: 'Newest first.' })
  items!: ReleaseView[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class ReleaseDryRunView implements ReleaseDryRun {
  @ApiProperty({ enum: [true] })
  dryRun!: true;
  @ApiProperty({
    description: 'Every item is admitted: the same request without dryRun would be accepted now.',
  })
  ready!: boolean;
  @ApiProperty({
    type: [DryRunView],
    description: "Each item's plan and verdict, in request order.",
  })
  items!: DryRunView[];
}
