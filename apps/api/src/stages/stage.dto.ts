import { MAX_STAGE_POSITION, STAGE_NAME_PATTERN } from '@airlock/stages';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';

const NAME_RULE = 'must be 1-63 lowercase letters, digits or "-", starting with a letter or digit';

export class CreateStageBody {
  @ApiProperty({ example: 'prod', pattern: STAGE_NAME_PATTERN.source })
  @IsString()
  @Matches(STAGE_NAME_PATTERN, { message: `name ${NAME_RULE}` })
  name!: string;

  @ApiPropertyOptional({
    example: 2,
    default: 0,
    minimum: 0,
    maximum: MAX_STAGE_POSITION,
    description: 'Pipeline order: sandbox 0, ci 1, prod 2.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_STAGE_POSITION)
  position?: number;

  @ApiPropertyOptional({
    type: [String],
    example: ['prod-eu', 'prod-us'],
    description: 'Registry names: the fan-out targets of a promotion into this stage.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  registries?: string[];
}

/** The same fields as creation but the name (fixed once created); `registries` replaces the membership. */
export class UpdateStageBody extends OmitType(CreateStageBody, ['name'] as const) {}

export class StageNameParams {
  @ApiProperty({ example: 'prod', pattern: STAGE_NAME_PATTERN.source })
  @IsString()
  @Matches(STAGE_NAME_PATTERN, { message: `name ${NAME_RULE}` })
  name!: string;
}
