import type { StageView as Stage } from '@airlock/stages';
import { ApiProperty } from '@nestjs/swagger';

/** The answer's document: the compiler holds it to the lib's StageView. */
export class StageView implements Stage {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'prod' })
  name!: string;

  @ApiProperty({ example: 2 })
  position!: number;

  @ApiProperty({
    type: [String],
    example: ['prod-eu', 'prod-us'],
    description: 'Registry names, alphabetical.',
  })
  registries!: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;
}

export class StageListView {
  @ApiProperty({ type: [StageView], description: 'Pipeline order: position, then name.' })
  items!: StageView[];
}
