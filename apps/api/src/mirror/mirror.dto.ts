import { MIRROR_RUN_PAGE_LIMIT } from '@airlock/mirror';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * The document's description of mirror rule requests; MirrorRulesService reads and checks them
 * (libs/mirror/src/mirror-rules.ts holds the limits).
 */
export class RepositoryRefBody {
  @ApiProperty({ example: 'dockerhub', description: 'Name of a registry known to Airlock.' })
  registry!: string;

  @ApiProperty({ example: 'library/alpine' })
  repository!: string;
}

export class TagSelectionBody {
  @ApiPropertyOptional({
    type: [String],
    example: ['latest'],
    description: 'Tags always checked (no tag listing needed).',
  })
  tags?: string[];

  @ApiPropertyOptional({
    example: '3\\.\\d+',
    description: 'Regular expression a listed tag must match as a whole.',
  })
  include?: string;

  @ApiPropertyOptional({
    example: '.*-rc.*',
    description: 'Regular expression (whole tag) to leave out.',
  })
  exclude?: string;

  @ApiPropertyOptional({
    example: '>=3.19 <4',
    description:
      'Semantic-version range over tags that read as versions (`3.19` = 3.19.0, `v` prefix allowed).',
  })
  semver?: string;

  @ApiPropertyOptional({
    example: 3,
    description: 'Only the N highest versions among the listed tags left by the other filters.',
  })
  newest?: number;
}

export class CreateMirrorRuleBody {
  @ApiProperty({ example: 'alpine' })
  name!: string;

  @ApiProperty({ type: RepositoryRefBody, description: 'Where to mirror from.' })
  upstream!: RepositoryRefBody;

  @ApiProperty({
    type: TagSelectionBody,
    description:
      'Which tags: explicit `tags`, plus listed tags filtered by `include`, `exclude`, `semver`, `newest`.',
  })
  tags!: TagSelectionBody;

  @ApiProperty({
    type: RepositoryRefBody,
    description: 'Where to archive: a registry of role `archive`.',
  })
  archive!: RepositoryRefBody;

  @ApiProperty({
    example: '0 */6 * * *',
    description: 'Cron expression, UTC: 5 fields, or 6 with seconds first.',
  })
  schedule!: string;

  @ApiPropertyOptional({
    default: true,
    description: 'A disabled rule has no schedule; "sync now" still works.',
  })
  enabled?: boolean;
}

export class UpdateMirrorRuleBody {
  @ApiPropertyOptional({ type: RepositoryRefBody })
  upstream?: RepositoryRefBody;

  @ApiPropertyOptional({ type: TagSelectionBody, description: 'Replaced whole.' })
  tags?: TagSelectionBody;

  @ApiPropertyOptional({ type: RepositoryRefBody })
  archive?: RepositoryRefBody;

  @ApiPropertyOptional({ example: '0 3 * * *' })
  schedule?: string;

  @ApiPropertyOptional()
  enabled?: boolean;
}

export class MirrorRuleNameParams {
  @ApiProperty({ example: 'alpine' })
  name!: string;
}

export class MirrorRunParams extends MirrorRuleNameParams {
  @ApiProperty({ format: 'uuid' })
  runId!: string;
}

export class MirrorRunListQuery {
  @ApiPropertyOptional({ description: '`nextCursor` of the previous page.' })
  cursor?: string;

  @ApiPropertyOptional({
    default: MIRROR_RUN_PAGE_LIMIT.default,
    minimum: 1,
    maximum: MIRROR_RUN_PAGE_LIMIT.max,
  })
  limit?: number;
}

export class ArchivedQuery {
  @ApiPropertyOptional({ example: '3.19', description: 'Only this tag.' })
  tag?: string;
}
