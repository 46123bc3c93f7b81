import { GATE_NAME_PATTERN } from '@airlock/gates';
import {
  ARTIFACT_TYPE_PATTERN,
  compileTagPattern,
  MAX_APPROVALS,
  MAX_LIST_ITEMS,
  MAX_TAG_PATTERN_LENGTH,
  STAGE_NAME_PATTERN,
} from '@airlock/policies';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';

/** OCI distribution's tag grammar. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const STAGE_MESSAGE = 'must be a stage name (1-63 characters of a-z, 0-9, ".", "_", "-")';

export class StageNameParams {
  @ApiProperty({ example: 'prod', pattern: STAGE_NAME_PATTERN.source })
  @Matches(STAGE_NAME_PATTERN, { message: `name ${STAGE_MESSAGE}` })
  name!: string;
}

/** PUT replaces the whole policy: an omitted field takes its default. */
export class PutPolicyBody {
  @ApiPropertyOptional({
    type: [String],
    example: ['ci'],
    default: [],
    description: 'Stages a promotion may come from; empty = any.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @ArrayUnique()
  @Matches(STAGE_NAME_PATTERN, {
    each: true,
    message: `each of allowedSourceStages ${STAGE_MESSAGE}`,
  })
  allowedSourceStages: string[] = [];

  @ApiPropertyOptional({
    type: [String],
    example: ['unit-tests', 'trivy'],
    default: [],
    description: 'Gates whose newest result must be passed.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @ArrayUnique()
  @Matches(GATE_NAME_PATTERN, {
    each: true,
    message:
      'each of requiredGates must be a gate name (1-63 characters of a-z, 0-9, ".", "_", "-")',
  })
  requiredGates: string[] = [];

  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_APPROVALS,
    default: 0,
    description: 'Distinct approvers needed (four-eyes applies).',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_APPROVALS)
  approvalsRequired: number = 0;

  @ApiPropertyOptional({
    default: true,
    description: 'A tag already pointing at another digest is a conflict, never an overwrite.',
  })
  @IsOptional()
  @IsBoolean()
  immutableTags: boolean = true;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '\\d+\\.\\d+\\.\\d+',
    default: null,
    description:
      'Regular expression every tag must match whole (anchored for you); null = any tag.',
  })
  @IsOptional()
  @IsString()
  @Length(1, MAX_TAG_PATTERN_LENGTH)
  @ValidateBy({
    name: 'regex',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && compileTagPattern(value) !== null,
      defaultMessage: () => 'tagPattern must be a valid regular expression',
    },
  })
  tagPattern: string | null = null;

  @ApiPropertyOptional({ default: false, description: 'Refuse the tag `latest`.' })
  @IsOptional()
  @IsBoolean()
  forbidLatest: boolean = false;

  @ApiPropertyOptional({
    type: [String],
    example: ['application/vnd.dev.cosign.artifact.sig.v1+json'],
    default: [],
    description: 'Artifact types of referrers (signatures, SBOMs) the digest itself must have.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @ArrayUnique()
  @Matches(ARTIFACT_TYPE_PATTERN, {
    each: true,
    message: 'each of requiredReferrers must be a media type (type/subtype)',
  })
  requiredReferrers: string[] = [];

  @ApiPropertyOptional({
    type: [String],
    example: ['application/vnd.dev.cosign.artifact.sig.v1+json'],
    default: [],
    description:
      'Artifact types of referrers every platform manifest of an index must have (for a single-platform image: the image itself).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @ArrayUnique()
  @Matches(ARTIFACT_TYPE_PATTERN, {
    each: true,
    message: 'each of requiredPlatformReferrers must be a media type (type/subtype)',
  })
  requiredPlatformReferrers: string[] = [];
}

export class ReadinessQuery {
  @ApiProperty({ example: 'prod', description: 'The target stage, whose policy applies.' })
  @Matches(STAGE_NAME_PATTERN, { message: `stage ${STAGE_MESSAGE}` })
  stage!: string;

  @ApiPropertyOptional({ example: 'ci', description: 'The stage the image would come from.' })
  @IsOptional()
  @Matches(STAGE_NAME_PATTERN, { message: `source ${STAGE_MESSAGE}` })
  source?: string;

  @ApiPropertyOptional({
    type: String,
    example: '1.2.3,stable',
    description: 'Tags the promotion would apply, comma-separated.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => splitTags(value))
  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @Matches(TAG_PATTERN, {
    each: true,
    message: 'each of tags must be an OCI tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127})',
  })
  tags?: string[];
}

function splitTags(value: unknown): unknown {
  if (typeof value === 'string') return value.split(',').map((t) => t.trim());
  if (Array.isArray(value))
    return value.flatMap((v) => (typeof v === 'string' ? v.split(',').map((t) => t.trim()) : [v]));
  return value;
}
