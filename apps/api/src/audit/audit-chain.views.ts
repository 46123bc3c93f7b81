import type { AuditChainReport } from '@airlock/audit';
import { ApiProperty } from '@nestjs/swagger';

const BREAKS = ['content', 'link', 'head', 'anchor'] as const;

export class ChainHeadView {
  @ApiProperty({ example: '1234', description: "The newest entry's place in the chain." })
  seq!: string;

  @ApiProperty({ example: 'a'.repeat(64), description: 'Its hash (sha256, hex).' })
  hash!: string;
}

export class ChainBreakView {
  @ApiProperty({
    enum: BREAKS,
    description:
      '`content`: the entry was edited; `link`: it does not link to the entry before it (one removed, edited or put in between); `head`: the newest entries are gone; `anchor`: the anchored entry was rewritten.',
  })
  reason!: (typeof BREAKS)[number];

  @ApiProperty({
    nullable: true,
    type: String,
    example: '1201',
    description: 'The audit event; null when the entry is missing.',
  })
  id!: string | null;

  @ApiProperty({ example: '1201' })
  seq!: string;

  @ApiProperty({ example: 'entry 1201 was changed after it was written' })
  message!: string;
}

export class AuditChainReportView implements AuditChainReport {
  @ApiProperty({ description: 'Every entry up to the head hashes and links as written.' })
  ok!: boolean;

  @ApiProperty({
    example: 1234,
    description: 'Entries checked, oldest first, up to the first break.',
  })
  checked!: number;

  @ApiProperty({
    type: ChainHeadView,
    description: 'Keep it outside Airlock and pass it as `anchor` later to detect a rewrite.',
  })
  head!: ChainHeadView;

  @ApiProperty({
    type: ChainBreakView,
    nullable: true,
    description: 'The first entry that does not match; null when the chain holds.',
  })
  broken!: ChainBreakView | null;
}
