import { MIRROR_RUN_PAGE_LIMIT, MAX_SELECTED_TAGS } from '@airlock/mirror';
import { REGISTRY_NAME_PATTERN, REGISTRY_NAME_RULE } from '@airlock/registries';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class RepositoryRefBody {
  @ApiProperty({ example: 'dockerhub', description: 'Name of a registry known to Airlock.' })
  @IsString()
  @MaxLength(63)
  registry!: string;

  @ApiProperty({ example: 'library/alpine' })
  @IsString()
  @MaxLength(255)
  repository!: string;
}

export class TagSelectionBody {
  @ApiPropertyOptional({
    type: [String],
    example: ['latest'],
    description: 'Tags always checked (no tag listing needed).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  tags?: string[];

  @ApiPropertyOptional({
    example: '3\\.\\d+',
    description: 'Regular expression a listed tag must match as a whole.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  include?: string;

  @ApiPropertyOptional({
    example: '.*-rc.*',
    description: 'Regular expression (whole tag) to leave out.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  exclude?: string;

  @ApiPropertyOptional({
    example: '>=3.19 <4',
    description:
      'Semantic-version range over tags that read as versions (`3.19` = 3.19.0, `v` prefix allowed).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  semver?: string;

  @ApiPropertyOptional({
    example: 3,
    description: 'Only the N highest versions among the listed tags left by the other filters.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SELECTED_TAGS)
  newest?: number;
}

export class CreateMirrorRuleBody {
  @ApiProperty({ example: 'alpine' })
  @Matches(REGISTRY_NAME_PATTERN, { message: REGISTRY_NAME_RULE })
  name!: string;

  @ApiProperty({ type: RepositoryRefBody, description: 'Where to mirror from.' })
  @IsDefined()
  @ValidateNested()
  @Type(() => RepositoryRefBody)
  upstream!: RepositoryRefBody;

  @ApiProperty({
    type: TagSelectionBody,
    description:
      'Which tags: explicit `tags`, plus listed tags filtered by `include`, `exclude`, `semver`, `newest`.',
  })
  @IsDefined()
  @ValidateNested()
  @Type(() => TagSelectionBody)
  tags!: TagSelectionBody;

  @ApiProperty({
    type: RepositoryRefBody,
    description: 'Where to archive: a registry of role `archive`.',
  })
  @IsDefined()
  @ValidateNested()
  @Type(() => RepositoryRefBody)
  archive!: RepositoryRefBody;

  @ApiProperty({
    example: '0 */6 * * *',
    description: 'Cron expression, UTC: 5 fields, or 6 with seconds first.',
  })
  @IsString()
  @MaxLength(120)
  schedule!: string;

  @ApiPropertyOptional({
    default: true,
    description: 'A disabled rule has no schedule; "sync now" still works.',
  })
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

export class UpdateMirrorRuleBody {
  @ApiPropertyOptional({ type: RepositoryRefBody })
  @IsOptional()
  @ValidateNested()
  @Type(() => RepositoryRefBody)
  upstream?: RepositoryRefBody;

  @ApiPropertyOptional({ type: TagSelectionBody, description: 'Replaced whole.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => TagSelectionBody)
  tags?: TagSelectionBody;

  @ApiPropertyOptional({ type: RepositoryRefBody })
  @IsOptional()
  @ValidateNested()
  @Type(() => RepositoryRefBody)
  archive?: RepositoryRefBody;

  @ApiPropertyOptional({ example: '0 3 * * *' })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  schedule?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

export class MirrorRuleNameParams {
  @ApiProperty({ example: 'alpine' })
  @Matches(REGISTRY_NAME_PATTERN, { message: REGISTRY_NAME_RULE })
  name!: string;
}

export class MirrorRunParams extends MirrorRuleNameParams {
  @ApiProperty({ format: 'uuid' })
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    message: 'runId must be a UUID',
  })
  runId!: string;
}

export class MirrorRunListQuery {
  @ApiPropertyOptional({ description: '`nextCursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({
    default: MIRROR_RUN_PAGE_LIMIT.default,
    minimum: 1,
    maximum: MIRROR_RUN_PAGE_LIMIT.max,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(MIRROR_RUN_PAGE_LIMIT.max)
  limit?: number;
}

export class ArchivedQuery {
  @ApiPropertyOptional({ example: '3.19', description: 'Only this tag.' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  tag?: string;
}
