import {
  DEFAULT_APPROVAL_GATE,
  DIGEST_PATTERN,
  GATE_NAME_PATTERN,
  GATE_PAGE_LIMIT,
  MAX_COMMENT_LENGTH,
  MAX_DETAILS_BYTES,
  MAX_URL_LENGTH,
  throwIfInvalid,
  type GateResultInput,
} from '@airlock/gates';
import { GATE_STATUSES, type GateStatus } from '@airlock/persistence';
import { ApiProperty, ApiPropertyOptional, type ApiParamOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { unknownField } from '../http/sent-fields';

const GATE_NAME_MESSAGE =
  'must be 1-63 characters of a-z, 0-9, ".", "_", "-", starting with a letter or digit';

/** The fields of a gate result body, in the order they are documented. */
const GATE_RESULT_FIELDS = ['gate', 'status', 'url', 'details'] as const;

/**
 * A gate result body as GatesService.record takes it, values unchecked (the service checks them):
 * INVALID_INPUT unless it is a JSON object of known fields.
 */
export function gateResultInput(body: unknown): GateResultInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throwIfInvalid([{ field: 'body', rule: 'isObject', message: 'body must be a JSON object' }]);
  }
  const fields = body as Record<string, unknown>;
  throwIfInvalid(
    Object.keys(fields)
      .filter((key) => !(GATE_RESULT_FIELDS as readonly string[]).includes(key))
      .map(unknownField),
  );
  return {
    gate: fields.gate as string,
    status: fields.status as GateStatus,
    url: fields.url as string | undefined,
    details: fields.details as Record<string, unknown> | undefined,
  };
}

const DIGEST_DOC = {
  example: `sha256:${'a'.repeat(64)}`,
  pattern: DIGEST_PATTERN.source,
  description: 'The image digest.',
};

/** The digest path parameter where no DTO carries it; checked by the service like every value. */
export const DIGEST_PARAM: ApiParamOptions = {
  name: 'digest',
  example: DIGEST_DOC.example,
  schema: { type: 'string', pattern: DIGEST_DOC.pattern },
  description: DIGEST_DOC.description,
};

export class DigestParams {
  @ApiProperty(DIGEST_DOC)
  @Matches(DIGEST_PATTERN, { message: 'digest must be sha256:<64 lowercase hex characters>' })
  digest!: string;
}

/**
 * The body of `POST /api/v1/gates/{digest}/results`, for the OpenAPI document only. The hot write
 * path validates once, not twice: `gateResultInput` refuses what is not a JSON object or has
 * unknown fields, and GatesService.record checks every value (`checkResult`), naming the field and
 * the rule as the global validation pipe would.
 */
export class RecordGateResultBody {
  @ApiProperty({
    example: 'unit-tests',
    pattern: GATE_NAME_PATTERN.source,
    description: `Gate name. \`${DEFAULT_APPROVAL_GATE}\` and approval gates are refused here (409).`,
  })
  gate!: string;

  @ApiProperty({ enum: GATE_STATUSES, example: 'passed' })
  status!: GateStatus;

  @ApiPropertyOptional({
    example: 'https://jenkins.example.com/job/app/42/',
    maxLength: MAX_URL_LENGTH,
    description: 'Evidence: an http(s) URL.',
  })
  url?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { passed: 812, failed: 0 },
    description: `Free-form JSON object, at most ${MAX_DETAILS_BYTES} bytes serialised.`,
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
