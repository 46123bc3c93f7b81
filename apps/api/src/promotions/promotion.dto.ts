import {
  DIGEST_PATTERN,
  MAX_REPOSITORY_LENGTH,
  REPOSITORY_PATTERN,
  TAG_PATTERN,
} from '@airlock/images';
import { PROMOTION_STATUSES, type PromotionStatus } from '@airlock/persistence';
import { MAX_PROMOTION_TAGS, PROMOTION_PAGE_LIMIT } from '@airlock/promotions';
import { REGISTRY_NAME_PATTERN, REGISTRY_NAME_RULE } from '@airlock/registries';
import { STAGE_NAME_PATTERN } from '@airlock/stages';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

const DIGEST_MESSAGE = 'digest must be sha256:<64 lowercase hex characters>';
const REPOSITORY_MESSAGE = 'must be an OCI repository name (lowercase path components)';
const STAGE_MESSAGE = 'must be a stage name (a-z, 0-9, "-")';
const TAG_MESSAGE =
  'must be 1-128 characters of a-z, A-Z, 0-9, ".", "_", "-", not starting with "." or "-"';
const EXAMPLE_DIGEST = `sha256:${'a'.repeat(64)}`;

export class RequestPromotionBody {
  @ApiProperty({ example: 'team/app', description: 'Repository in the source registry.' })
  @MaxLength(MAX_REPOSITORY_LENGTH)
  @Matches(REPOSITORY_PATTERN, { message: `repository ${REPOSITORY_MESSAGE}` })
  repository!: string;

  @ApiPropertyOptional({
    example: EXAMPLE_DIGEST,
    description: 'The image digest. Exactly one of `digest` and `tag`.',
  })
  @IsOptional()
  @Matches(DIGEST_PATTERN, { message: DIGEST_MESSAGE })
  digest?: string;

  @ApiPropertyOptional({
    example: 'build-42',
    description:
      'A tag in the source registry, resolved to its digest now, once: the promotion is bound to that digest.',
  })
  @IsOptional()
  @Matches(TAG_PATTERN, { message: `tag ${TAG_MESSAGE}` })
  tag?: string;

  @ApiProperty({ example: 'ci', description: 'The stage the image comes from.' })
  @Matches(STAGE_NAME_PATTERN, { message: `source ${STAGE_MESSAGE}` })
  source!: string;

  @ApiPropertyOptional({
    example: 'ci-pool',
    description:
      'The registry of the source stage that holds the image; needed when the stage has several.',
  })
  @IsOptional()
  @Matches(REGISTRY_NAME_PATTERN, { message: `sourceRegistry ${REGISTRY_NAME_RULE}` })
  sourceRegistry?: string;

  @ApiProperty({
    example: 'prod',
    description:
      'The target stage: its policy applies, and the copy fans out to each of its registries.',
  })
  @Matches(STAGE_NAME_PATTERN, { message: `target ${STAGE_MESSAGE}` })
  target!: string;

  @ApiPropertyOptional({
    example: 'team/app',
    description: 'Repository in the target registries (default: `repository`).',
  })
  @IsOptional()
  @MaxLength(MAX_REPOSITORY_LENGTH)
  @Matches(REPOSITORY_PATTERN, { message: `targetRepository ${REPOSITORY_MESSAGE}` })
  targetRepository?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['1.4.2'],
    maxItems: MAX_PROMOTION_TAGS,
    description: 'Tags written in every target registry, last, once the copy landed.',
  })
  @IsOptional()
  @IsArray({ message: 'tags must be an array of tags' })
  @ArrayMaxSize(MAX_PROMOTION_TAGS, { message: `tags may hold at most ${MAX_PROMOTION_TAGS} tags` })
  @IsString({ each: true, message: 'each of tags must be a string' })
  tags?: string[];

  @ApiPropertyOptional({
    default: false,
    description: 'Answer 200 with the plan and the policy verdict; write nothing, queue nothing.',
  })
  @IsOptional()
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;
}

export class PromotionIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a promotion id (a UUID)' })
  id!: string;
}

export class PromotionListQuery {
  @ApiPropertyOptional({ example: EXAMPLE_DIGEST })
  @IsOptional()
  @Matches(DIGEST_PATTERN, { message: DIGEST_MESSAGE })
  digest?: string;

  @ApiPropertyOptional({ example: 'prod', description: 'Target stage.' })
  @IsOptional()
  @Matches(STAGE_NAME_PATTERN, { message: `stage ${STAGE_MESSAGE}` })
  stage?: string;

  @ApiPropertyOptional({ enum: PROMOTION_STATUSES })
  @IsOptional()
  @IsIn(PROMOTION_STATUSES, { message: `status must be one of ${PROMOTION_STATUSES.join(', ')}` })
  status?: PromotionStatus;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page (opaque).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: PROMOTION_PAGE_LIMIT.max,
    default: PROMOTION_PAGE_LIMIT.default,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PROMOTION_PAGE_LIMIT.max)
  limit?: number;
}
