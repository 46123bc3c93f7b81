import type { AuditPage, AuditRecord } from '@airlock/audit';
import { ApiProperty } from '@nestjs/swagger';

/** The answer's document: the compiler holds it to the lib's AuditRecord. */
export class AuditEventView implements AuditRecord {
  @ApiProperty({ example: '1042', description: 'Increasing; the keyset cursor.' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: Date;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'null for changes Airlock made itself.',
  })
  actorTokenId!: string | null;

  @ApiProperty({
    example: 'jenkins-prod',
    nullable: true,
    type: String,
    description: '`system:<task>` for Airlock itself.',
  })
  actorName!: string | null;

  @ApiProperty({ example: 'token.created' })
  action!: string;

  @ApiProperty({ example: 'api_token' })
  subjectType!: string;

  @ApiProperty({ nullable: true, type: String })
  subjectId!: string | null;

  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'State before; secrets never included.',
  })
  before!: Record<string, unknown> | null;

  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'State after; secrets never included.',
  })
  after!: Record<string, unknown> | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'X-Request-Id of the request that made the change.',
  })
  requestId!: string | null;
}

export class AuditPageView implements AuditPage {
  @ApiProperty({ type: [AuditEventView] })
  items!: AuditEventView[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next (older) page; null on the last page.',
  })
  nextCursor!: string | null;
}
