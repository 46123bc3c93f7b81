import { AUDIT_ACTION_PATTERN, AUDIT_PAGE_LIMIT } from '@airlock/audit';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';

export class AuditQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only events by this token (its id).' })
  @IsOptional()
  @IsUUID()
  actor?: string;

  @ApiPropertyOptional({ example: 'token.created', description: 'Only this action (exact).' })
  @IsOptional()
  @Matches(AUDIT_ACTION_PATTERN, {
    message: 'action must look like <subject>.<verb>, e.g. token.created',
  })
  action?: string;

  @ApiPropertyOptional({
    example: 'api_token',
    description: 'Only events about this kind of thing.',
  })
  @ValidateIf(
    (query: AuditQuery) => query.subjectType !== undefined || query.subjectId !== undefined,
  )
  @IsDefined({ message: 'subjectType is required when subjectId is given' })
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'subjectType must be snake_case, e.g. api_token' })
  subjectType?: string;

  @ApiPropertyOptional({ description: 'Only events about this one thing; needs subjectType.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  subjectId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or after this instant.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events before this instant.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.', example: '1234' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,17}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: AUDIT_PAGE_LIMIT.max,
    default: AUDIT_PAGE_LIMIT.default,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(AUDIT_PAGE_LIMIT.max)
  limit: number = AUDIT_PAGE_LIMIT.default;
}
