import { AUDIT_PAGE_LIMIT, AUDIT_SUBJECT_ID_MAX_LENGTH } from '@airlock/audit';
import { ApiPropertyOptional } from '@nestjs/swagger';

/** The document's description of the audit log's filters; AuditService reads and checks them. */
export class AuditQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only events by this token (its id).' })
  actor?: string;

  @ApiPropertyOptional({ example: 'token.created', description: 'Only this action (exact).' })
  action?: string;

  @ApiPropertyOptional({
    example: 'api_token',
    description: 'Only events about this kind of thing.',
  })
  subjectType?: string;

  @ApiPropertyOptional({
    description: 'Only events about this one thing; needs subjectType.',
    maxLength: AUDIT_SUBJECT_ID_MAX_LENGTH,
  })
  subjectId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or after this instant.' })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events before this instant.' })
  until?: string;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.', example: '1234' })
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: AUDIT_PAGE_LIMIT.max,
    default: AUDIT_PAGE_LIMIT.default,
  })
  limit?: number;
}

export class AuditVerifyQuery {
  @ApiPropertyOptional({
    example: `1234:${'a'.repeat(64)}`,
    description:
      'A head an earlier verify reported (`<seq>:<hash>`), kept outside the database: the entry must still have that hash.',
  })
  anchor?: string;
}
