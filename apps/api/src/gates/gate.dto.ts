import {
  DEFAULT_APPROVAL_GATE,
  DIGEST_PATTERN,
  GATE_NAME_PATTERN,
  GATE_PAGE_LIMIT,
  GATE_STATUSES,
  MAX_COMMENT_LENGTH,
  MAX_DETAILS_BYTES,
  MAX_URL_LENGTH,
  type GateStatus,
} from '@airlock/gates';
import { ApiProperty, ApiPropertyOptional, type ApiParamOptions } from '@nestjs/swagger';

const DIGEST_DOC = {
  example: `sha256:${'a'.repeat(64)}`,
  pattern: DIGEST_PATTERN.source,
  description: 'The image digest.',
};

/** The digest path parameter where no DTO carries it; read by the service like every value. */
export const DIGEST_PARAM: ApiParamOptions = {
  name: 'digest',
  example: DIGEST_DOC.example,
  schema: { type: 'string', pattern: DIGEST_DOC.pattern },
  description: DIGEST_DOC.description,
};

/** The document's description of the digest path parameter; the services read it. */
export class DigestParams {
  @ApiProperty(DIGEST_DOC)
  digest!: string;
}

/** The body of `POST /api/v1/gates/{digest}/results`, for the document; GatesService reads it. */
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

/** The body of `POST /api/v1/gates/{digest}/approvals`, for the document; GatesService reads it. */
export class RecordApprovalBody {
  @ApiPropertyOptional({
    example: DEFAULT_APPROVAL_GATE,
    default: DEFAULT_APPROVAL_GATE,
    pattern: GATE_NAME_PATTERN.source,
  })
  gate?: string;

  @ApiPropertyOptional({
    example: 'Release notes reviewed',
    maxLength: MAX_COMMENT_LENGTH,
    description: "Stored in the result's details as `comment`.",
  })
  comment?: string;
}

/** The ledger's query, for the document; GatesService reads it. */
export class GateHistoryQuery {
  @ApiPropertyOptional({ example: 'unit-tests', description: 'Only the history of this gate.' })
  gate?: string;

  @ApiPropertyOptional({
    example: '1234',
    description: "The history's nextCursor of the previous page.",
  })
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: GATE_PAGE_LIMIT.max,
    default: GATE_PAGE_LIMIT.default,
    description: 'History page size.',
  })
  limit?: number;
}
