import {
  DIGEST_PATTERN,
  IMAGE_PAGE_LIMIT,
  MAX_REPOSITORY_LENGTH,
  REPOSITORY_PATTERN,
  TAG_PATTERN,
} from '@airlock/images';
import { GATE_NAME_PATTERN } from '@airlock/gates';
import { GATE_FILTER_STATUSES, type GateFilterStatus } from '@airlock/images';
import { REGISTRY_NAME_PATTERN, REGISTRY_NAME_RULE } from '@airlock/registries';
import { STAGE_NAME_PATTERN } from '@airlock/stages';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const DIGEST_MESSAGE = 'digest must be sha256:<64 lowercase hex characters>';
const REPOSITORY_MESSAGE = 'repository must be an OCI repository name (lowercase path components)';
const EXAMPLE_DIGEST = `sha256:${'a'.repeat(64)}`;

export class BuildBody {
  @ApiPropertyOptional({ example: '9f2c1e7', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  commit?: string;

  @ApiPropertyOptional({
    example: 'https://jenkins.example.com/job/app/42/',
    description: 'An http(s) URL of the build.',
  })
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'build.url must be an http(s) URL' },
  )
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ example: '4711', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  pipelineId?: string;
}

export class RegisterImageBody {
  @ApiProperty({ example: 'sandbox', description: 'Name of a registry known to Airlock.' })
  @Matches(REGISTRY_NAME_PATTERN, {
    message: `registry ${REGISTRY_NAME_RULE.replace(/^name /, '')}`,
  })
  registry!: string;

  @ApiProperty({
    example: 'team/app',
    pattern: REPOSITORY_PATTERN.source,
    maxLength: MAX_REPOSITORY_LENGTH,
  })
  @MaxLength(MAX_REPOSITORY_LENGTH)
  @Matches(REPOSITORY_PATTERN, { message: REPOSITORY_MESSAGE })
  repository!: string;

  @ApiPropertyOptional({
    example: '1.4.2',
    pattern: TAG_PATTERN.source,
    description: 'Resolved to a digest once. Exactly one of tag or digest.',
  })
  @IsOptional()
  @Matches(TAG_PATTERN, {
    message:
      'tag must be 1-128 characters of a-z, A-Z, 0-9, ".", "_", "-", not starting with "." or "-"',
  })
  tag?: string;

  @ApiPropertyOptional({
    example: EXAMPLE_DIGEST,
    pattern: DIGEST_PATTERN.source,
    description: 'Exactly one of tag or digest.',
  })
  @IsOptional()
  @Matches(DIGEST_PATTERN, { message: DIGEST_MESSAGE })
  digest?: string;

  @ApiPropertyOptional({
    type: BuildBody,
    description: 'Kept from the first registration of the (repository, digest).',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => BuildBody)
  build?: BuildBody;
}

export class ImageListQuery {
  @ApiPropertyOptional({ example: 'team/app', description: 'Exact repository.' })
  @IsOptional()
  @Matches(REPOSITORY_PATTERN, { message: REPOSITORY_MESSAGE })
  repository?: string;

  @ApiPropertyOptional({ example: EXAMPLE_DIGEST })
  @IsOptional()
  @Matches(DIGEST_PATTERN, { message: DIGEST_MESSAGE })
  digest?: string;

  @ApiPropertyOptional({
    example: 'prod',
    description: 'Only images present in a registry of this stage.',
  })
  @IsOptional()
  @Matches(STAGE_NAME_PATTERN, { message: 'stage must be a stage name (a-z, 0-9, "-")' })
  stage?: string;

  @ApiPropertyOptional({
    example: 'unit-tests',
    description: 'Only images whose newest result of this gate has `gateStatus` (default passed).',
  })
  @IsOptional()
  @Matches(GATE_NAME_PATTERN, { message: 'gate must be a gate name' })
  gate?: string;

  @ApiPropertyOptional({
    enum: GATE_FILTER_STATUSES,
    description: '`missing`: the gate has no result yet. Needs `gate`.',
  })
  @IsOptional()
  @IsIn(GATE_FILTER_STATUSES, {
    message: `gateStatus must be one of ${GATE_FILTER_STATUSES.join(', ')}`,
  })
  gateStatus?: GateFilterStatus;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page (opaque).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: IMAGE_PAGE_LIMIT.max,
    default: IMAGE_PAGE_LIMIT.default,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(IMAGE_PAGE_LIMIT.max)
  limit: number = IMAGE_PAGE_LIMIT.default;
}

export class ImageDigestParams {
  @ApiProperty({ example: EXAMPLE_DIGEST, pattern: DIGEST_PATTERN.source })
  @Matches(DIGEST_PATTERN, { message: DIGEST_MESSAGE })
  digest!: string;
}

export class ImageShowQuery {
  @ApiPropertyOptional({ example: 'team/app', description: 'Only the image in this repository.' })
  @IsOptional()
  @Matches(REPOSITORY_PATTERN, { message: REPOSITORY_MESSAGE })
  repository?: string;
}
