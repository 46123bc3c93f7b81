import { MAX_STAGE_POSITION, MAX_STAGE_REGISTRIES, STAGE_NAME_PATTERN } from '@airlock/stages';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';

/** The document's description of a new stage; StagesService reads and checks the body. */
export class CreateStageBody {
  @ApiProperty({ example: 'prod', pattern: STAGE_NAME_PATTERN.source })
  name!: string;

  @ApiPropertyOptional({
    example: 2,
    default: 0,
    minimum: 0,
    maximum: MAX_STAGE_POSITION,
    description: 'Pipeline order: sandbox 0, ci 1, prod 2.',
  })
  position?: number;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_STAGE_REGISTRIES,
    uniqueItems: true,
    example: ['prod-eu', 'prod-us'],
    description: 'Registry names: the fan-out targets of a promotion into this stage.',
  })
  registries?: string[];
}

/** The same fields as creation but the name (fixed once created); `registries` replaces the membership. */
export class UpdateStageBody extends OmitType(CreateStageBody, ['name'] as const) {}

export class StageNameParams {
  @ApiProperty({ example: 'prod', pattern: STAGE_NAME_PATTERN.source })
  name!: string;
}
