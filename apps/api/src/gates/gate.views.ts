import {
  GATE_STATUSES,
  type GateHistoryPage,
  type GateLedger,
  type GateRecord,
  type GateStatus,
} from '@airlock/gates';
import { ApiProperty } from '@nestjs/swagger';

/** The answer's document: the compiler holds it to the lib's GateRecord. */
export class GateResultView implements GateRecord {
  @ApiProperty({ example: '1042', description: 'Increasing; the history cursor.' })
  id!: string;

  @ApiProperty({ example: `sha256:${'a'.repeat(64)}` })
  digest!: string;

  @ApiProperty({ example: 'unit-tests' })
  gate!: string;

  @ApiProperty({ enum: GATE_STATUSES })
  status!: GateStatus;

  @ApiProperty({ description: 'Recorded through the approval endpoint by an approver.' })
  approval!: boolean;

  @ApiProperty({ nullable: true, type: String, example: 'https://jenkins.example.com/job/app/42/' })
  url!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "As recorded; an approval's comment is `details.comment`.",
  })
  details!: Record<string, unknown>;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Token id of who recorded it (the approver).',
  })
  recordedBy!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'jenkins-prod',
    description: "That token's name at the time.",
  })
  recordedByName!: string | null;

  @ApiProperty({ format: 'date-time' })
  recordedAt!: Date;
}

export class GateHistoryPageView implements GateHistoryPage {
  @ApiProperty({ type: [GateResultView], description: 'Newest first.' })
  items!: GateResultView[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next (older) page; null on the last page.',
  })
  nextCursor!: string | null;
}

export class GateLedgerView implements GateLedger {
  @ApiProperty({ example: `sha256:${'a'.repeat(64)}` })
  digest!: string;

  @ApiProperty({
    type: [GateResultView],
    description: 'The newest result of every gate (the one that counts), by gate name.',
  })
  latest!: GateResultView[];

  @ApiProperty({ type: GateHistoryPageView })
  history!: GateHistoryPageView;
}
