import {
  MIRROR_RUN_STATUSES,
  MIRROR_TAG_OUTCOMES,
  MIRROR_TRIGGERS,
  type ArchivedDigestView as ArchivedDigest,
  type MirrorProblem,
  type MirrorRuleView as MirrorRule,
  type MirrorRunPage,
  type MirrorRunStatus,
  type MirrorRunView as MirrorRun,
  type MirrorTagOutcome,
  type MirrorTagResult,
  type MirrorTrigger,
  type SyncRequested,
} from '@airlock/mirror';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RepositoryRefBody, TagSelectionBody } from './mirror.dto';

/** The answers' documents: the compiler holds each to its view in @airlock/mirror. */
export class MirrorRuleView implements MirrorRule {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'alpine' })
  name!: string;
  @ApiProperty({ type: RepositoryRefBody })
  upstream!: RepositoryRefBody;
  @ApiProperty({ type: TagSelectionBody })
  tags!: TagSelectionBody;
  @ApiProperty({ type: RepositoryRefBody })
  archive!: RepositoryRefBody;
  @ApiProperty({ example: '0 */6 * * *' })
  schedule!: string;
  @ApiProperty()
  enabled!: boolean;
  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: Date;
}

export class MirrorRuleListView {
  @ApiProperty({ type: [MirrorRuleView], description: 'By name.' })
  items!: MirrorRuleView[];
}

export class MirrorProblemView implements MirrorProblem {
  @ApiPropertyOptional({ example: '3.19' })
  tag?: string;
  @ApiProperty({ example: 'REGISTRY_RATE_LIMITED' })
  code!: string;
  @ApiProperty()
  message!: string;
}

export class MirrorTagResultView implements MirrorTagResult {
  @ApiProperty({ example: '3.19' })
  tag!: string;
  @ApiProperty({
    enum: MIRROR_TAG_OUTCOMES,
    description:
      '`archived`: a digest the Archive lacked was copied; `moved`: the tag moved to a digest the Archive already had; ' +
      '`unchanged`: still the archived digest; `failed`: see `error` (the Archive is untouched for this tag).',
  })
  outcome!: MirrorTagOutcome;
  @ApiPropertyOptional({ example: `sha256:${'b'.repeat(64)}` })
  digest?: string;
  @ApiPropertyOptional({ type: String, example: `sha256:${'a'.repeat(64)}`, nullable: true })
  previousDigest?: string | null;
  @ApiPropertyOptional({ example: `archive-${'b'.repeat(64)}` })
  historyTag?: string;
  @ApiPropertyOptional()
  bytesCopied?: number;
  @ApiPropertyOptional({ type: MirrorProblemView })
  error?: MirrorProblemView;
}

export class MirrorRunView implements MirrorRun {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'alpine' })
  rule!: string;
  @ApiProperty({ enum: MIRROR_RUN_STATUSES })
  status!: MirrorRunStatus;
  @ApiProperty({ enum: MIRROR_TRIGGERS })
  trigger!: MirrorTrigger;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The scheduler tick (scheduled runs).',
  })
  scheduledFor!: Date | null;
  @ApiProperty()
  tagsChecked!: number;
  @ApiProperty()
  tagsFailed!: number;
  @ApiProperty({ description: 'Digests copied into the Archive.' })
  newDigests!: number;
  @ApiProperty()
  bytesCopied!: number;
  @ApiProperty({ type: [MirrorProblemView] })
  errors!: MirrorProblemView[];
  @ApiProperty({ type: [MirrorTagResultView], description: 'Per selected tag.' })
  tags!: MirrorTagResultView[];
  @ApiProperty({ format: 'date-time' })
  startedAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt!: Date | null;
  @ApiProperty({ type: Number, nullable: true })
  durationMs!: number | null;
}

export class MirrorRunPageView implements MirrorRunPage {
  @ApiProperty({ type: [MirrorRunView], description: 'Newest first.' })
  items!: MirrorRunView[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class SyncRequestedView implements SyncRequested {
  @ApiProperty({ example: 'alpine' })
  rule!: string;
  @ApiProperty({ description: 'The queue job; the run shows under `runs` once it starts.' })
  jobId!: string;
}

export class ArchivedDigestView implements ArchivedDigest {
  @ApiProperty({ example: '3.19' })
  tag!: string;
  @ApiProperty({ example: `sha256:${'a'.repeat(64)}` })
  digest!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'A tag of the Archive that keeps this digest pullable after the upstream tag moved.',
  })
  historyTag!: string | null;
  @ApiProperty({ description: 'The digest the tag pointed at upstream when last checked.' })
  current!: boolean;
  @ApiProperty({ format: 'date-time' })
  firstSeenAt!: Date;
  @ApiProperty({ format: 'date-time' })
  lastSeenAt!: Date;
}

export class ArchivedDigestListView {
  @ApiProperty({ type: [ArchivedDigestView], description: 'By tag, newest sighting first.' })
  items!: ArchivedDigestView[];
}
