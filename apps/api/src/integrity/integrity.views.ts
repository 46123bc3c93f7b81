import {
  FINDING_KINDS,
  FINDING_STATUSES,
  RUN_STATUSES,
  RUN_TRIGGERS,
  type AcknowledgementView as Acknowledgement,
  type FindingKind,
  type FindingStatus,
  type FindingView as Finding,
  type IntegrityOverview,
  type IntegrityRunPage,
  type IntegrityRunsQueued,
  type IntegrityRunView as IntegrityRun,
  type RunStatus,
  type RunTrigger,
} from '@airlock/integrity';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The answers' documents: the compiler holds each to its view in @airlock/integrity. */
export class RunErrorView {
  @ApiProperty({ example: 'REGISTRY_UNAVAILABLE' })
  code!: string;
  @ApiProperty()
  message!: string;
}

export class IntegrityRunView implements IntegrityRun {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'prod-eu' })
  registry!: string;
  @ApiProperty({ enum: RUN_STATUSES })
  status!: RunStatus;
  @ApiProperty({ enum: RUN_TRIGGERS })
  trigger!: RunTrigger;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The scheduler tick (one run per registry and tick); null when queued by hand.',
  })
  scheduledFor!: Date | null;
  @ApiProperty()
  repositoriesChecked!: number;
  @ApiProperty()
  tagsChecked!: number;
  @ApiProperty({ description: 'HEADs by digest for recorded digests no tag pointed at.' })
  digestsChecked!: number;
  @ApiProperty({ description: 'Findings this run saw, new or seen before.' })
  findings!: number;
  @ApiProperty()
  newFindings!: number;
  @ApiProperty()
  resolvedFindings!: number;
  @ApiProperty({
    description:
      'The run did not see the whole registry (capped, or the registry failed): absences it could not check resolve nothing.',
  })
  partial!: boolean;
  @ApiProperty({ type: String, nullable: true })
  reason!: string | null;
  @ApiProperty({ type: RunErrorView, nullable: true })
  error!: RunErrorView | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  startedAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt!: Date | null;
}

export class AcknowledgementView implements Acknowledgement {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Token id.' })
  by!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Token name.' })
  byName!: string | null;
  @ApiProperty({ format: 'date-time' })
  at!: Date;
  @ApiProperty()
  comment!: string;
}

export class FindingView implements Finding {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'prod-eu' })
  registry!: string;
  @ApiProperty({ example: 'team/app' })
  repository!: string;
  @ApiProperty({
    enum: FINDING_KINDS,
    description:
      '`unexpected-tag`: a tag on a digest Airlock never put in this repository; `moved-tag`: a tag Airlock wrote points ' +
      'elsewhere (or is gone); `missing-digest`: a digest Airlock put there is gone; `missing-referrer`: a referrer type ' +
      "the stage's policy requires is gone from a digest Airlock put there (or from one of its platform manifests).",
  })
  kind!: FindingKind;
  @ApiProperty({ type: String, nullable: true, example: '1.0.0' })
  tag!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The digest a digest finding is about.',
  })
  digest!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The missing referrer type.' })
  artifactType!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'linux/arm64',
    description:
      "The platform manifest of the index `digest` that lacks the referrer (the stage's `requiredPlatformReferrers`); " +
      'null when the finding is about the digest itself.',
  })
  platform!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The platform manifest's digest." })
  platformDigest!: string | null;
  @ApiProperty({ type: String, nullable: true })
  expectedDigest!: string | null;
  @ApiProperty({ type: String, nullable: true })
  actualDigest!: string | null;
  @ApiProperty({ enum: FINDING_STATUSES })
  status!: FindingStatus;
  @ApiProperty({ format: 'uuid' })
  firstSeenRunId!: string;
  @ApiProperty({ format: 'uuid' })
  lastSeenRunId!: string;
  @ApiProperty({ format: 'date-time' })
  firstSeenAt!: Date;
  @ApiProperty({ format: 'date-time' })
  lastSeenAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  resolvedAt!: Date | null;
  @ApiPropertyOptional({ type: AcknowledgementView, nullable: true })
  acknowledged!: AcknowledgementView | null;
}

export class IntegrityOverviewView implements IntegrityOverview {
  @ApiProperty({
    type: [IntegrityRunView],
    description: 'The newest run of each registry, by name.',
  })
  runs!: IntegrityRunView[];
  @ApiProperty({ type: [FindingView], description: 'Newest sighting first, at most 500.' })
  findings!: FindingView[];
}

export class IntegrityRunPageView implements IntegrityRunPage {
  @ApiProperty({ type: [IntegrityRunView] })
  items!: IntegrityRunView[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class IntegrityRunsQueuedView implements IntegrityRunsQueued {
  @ApiProperty({ type: [IntegrityRunView], description: 'One queued run per registry.' })
  items!: IntegrityRunView[];
}
