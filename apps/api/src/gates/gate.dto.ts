import {
  checkDetails,
  DEFAULT_APPROVAL_GATE,
  DIGEST_PATTERN,
  GATE_NAME_PATTERN,
  GATE_PAGE_LIMIT,
  MAX_COMMENT_LENGTH,
  MAX_DETAILS_BYTES,
  MAX_URL_LENGTH,
} from '@airlock/gates';
import { GATE_STATUSES, type GateStatus } from '@airlock/persistence';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';

const GATE_NAME_MESSAGE =
  'must be 1-63 characters of a-z, 0-9, ".", "_", "-", starting with a letter or digit';

export class DigestParams {
  @ApiProperty({
    example: `sha256:${'a'.repeat(64)}`,
    pattern: DIGEST_PATTERN.source,
    description: 'The image digest.',
  })
  @Matches(DIGEST_PATTERN, { message: 'digest must be sha256:<64 lowercase hex characters>' })
  digest!: string;
}

export class RecordGateResultBody {
  @ApiProperty({
    example: 'unit-tests',
    pattern: GATE_NAME_PATTERN.source,
    description: `Gate name. \`${DEFAULT_APPROVAL_GATE}\` and approval gates are refused here (409).`,
  })
  @Matches(GATE_NAME_PATTERN, { message: `gate ${GATE_NAME_MESSAGE}` })
  gate!: string;

  @ApiProperty({ enum: GATE_STATUSES, example: 'passed' })
  @IsIn(GATE_STATUSES, { message: `status must be one of ${GATE_STATUSES.join(', ')}` })
  status!: GateStatus;

  @ApiPropertyOptional({
    example: 'https://jenkins.example.com/job/app/42/',
    maxLength: MAX_URL_LENGTH,
    description: 'Evidence: an http(s) URL.',
  })
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http(s) URL' },
  )
  @MaxLength(MAX_URL_LENGTH)
  url?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { passed: 812, failed: 0 },
    description: `Free-form JSON object, at most ${MAX_DETAILS_BYTES} bytes serialised.`,
  })
  @IsOptional()
  @IsObject({ message: 'details must be a JSON object' })
  @ValidateBy({
    name: 'maxSize',
    validator: {
      validate: (value: unknown) => checkDetails(value).length === 0,
      defaultMessage: () => `details must be at most ${MAX_DETAILS_BYTES} bytes of JSON`,
    },
  })
  details?: Record<string, unknown>;
}

export class RecordApprovalBody {
  @ApiPropertyOptional({
    example: DEFAULT_APPROVAL_GATE,
    default: DEFAULT_APPROVAL_GATE,
    pattern: GATE_NAME_PATTERN.source,
  })
  @IsOptional()
  @Matches(GATE_NAME_PATTERN, { message: `gate ${GATE_NAME_MESSAGE}` })
  gate?: string;

  @ApiPropertyOptional({
    example: 'Release notes reviewed',
    maxLength: MAX_COMMENT_LENGTH,
    description: "Stored in the result's details as `comment`.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_COMMENT_LENGTH)
  comment?: string;
}

export class GateHistoryQuery {
  @ApiPropertyOptional({ example: 'unit-tests', description: 'Only the history of this gate.' })
  @IsOptional()
  @Matches(GATE_NAME_PATTERN, { message: `gate ${GATE_NAME_MESSAGE}` })
  gate?: string;

  @ApiPropertyOptional({
    example: '1234',
    description: "The history's nextCursor of the previous page.",
  })
  @IsOptional()
  @Matches(/^[1-9]\d{0,17}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: GATE_PAGE_LIMIT.max,
    default: GATE_PAGE_LIMIT.default,
    description: 'History page size.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(GATE_PAGE_LIMIT.max)
  limit: number = GATE_PAGE_LIMIT.default;
}
