import {
  FINDING_KINDS,
  FINDING_STATUSES,
  INTEGRITY_RUN_PAGE_LIMIT,
  MAX_ACKNOWLEDGE_COMMENT_LENGTH,
  type FindingKind,
  type FindingStatus,
} from '@airlock/integrity';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The document's description of integrity requests; IntegrityService reads and checks them. */
export class IntegrityQuery {
  @ApiPropertyOptional({ example: 'prod-eu', description: 'Only this registry (of role prod).' })
  registry?: string;
  @ApiPropertyOptional({ example: 'team/app', description: 'Only findings in this repository.' })
  repository?: string;
  @ApiPropertyOptional({ enum: FINDING_KINDS })
  kind?: FindingKind;
  @ApiPropertyOptional({ enum: FINDING_STATUSES, default: 'open' })
  status?: FindingStatus;
}

export class IntegrityRunListQuery {
  @ApiPropertyOptional({ example: 'prod-eu', description: 'Only runs of this registry.' })
  registry?: string;
  @ApiPropertyOptional({ description: '`nextCursor` of the previous page.' })
  cursor?: string;
  @ApiPropertyOptional({
    default: INTEGRITY_RUN_PAGE_LIMIT.default,
    minimum: 1,
    maximum: INTEGRITY_RUN_PAGE_LIMIT.max,
  })
  limit?: number;
}

export class IntegrityRunBody {
  @ApiPropertyOptional({
    example: 'prod-eu',
    description: 'A registry of role prod; left out: every registry of role prod.',
  })
  registry?: string;
}

export class AcknowledgeFindingBody {
  @ApiProperty({
    example: 'hotfix pushed by the on-call engineer, see INC-1234',
    maxLength: MAX_ACKNOWLEDGE_COMMENT_LENGTH,
  })
  comment!: string;
}

export class FindingParams {
  @ApiProperty({ format: 'uuid' })
  id!: string;
}
