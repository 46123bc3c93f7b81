import { MAX_PROMOTION_TAGS, MAX_RELEASE_ITEMS, RELEASE_PAGE_LIMIT } from '@airlock/promotions';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const EXAMPLE_DIGEST = `sha256:${'a'.repeat(64)}`;

/** One image of a release: what a promotion request names, less source, target and dryRun. */
export class ReleaseItemBody {
  @ApiProperty({ example: 'team/payments', description: 'Repository in the source registry.' })
  repository!: string;
  @ApiPropertyOptional({
    example: EXAMPLE_DIGEST,
    description: 'Exactly one of `digest` and `tag`.',
  })
  digest?: string;
  @ApiPropertyOptional({ example: 'build-42', description: 'Resolved to its digest now, once.' })
  tag?: string;
  @ApiPropertyOptional({ example: 'ci-pool' })
  sourceRegistry?: string;
  @ApiPropertyOptional({ example: 'team/payments', description: 'Default: `repository`.' })
  targetRepository?: string;
  @ApiPropertyOptional({
    type: [String],
    example: ['2026.12'],
    maxItems: MAX_PROMOTION_TAGS,
    description:
      "Written in every target registry at the release's commit, once every item landed.",
  })
  tags?: string[];
}

/** The document's description of a release request; ReleaseIntakeService reads and checks it. */
export class RequestReleaseBody {
  @ApiPropertyOptional({ example: '2026.12 payments', maxLength: 200 })
  name?: string;
  @ApiProperty({ example: 'ci', description: 'The stage every item comes from.' })
  source!: string;
  @ApiProperty({
    example: 'prod',
    description: 'The stage every item goes to (all its registries).',
  })
  target!: string;
  @ApiProperty({ type: [ReleaseItemBody], minItems: 1, maxItems: MAX_RELEASE_ITEMS })
  items!: ReleaseItemBody[];
  @ApiPropertyOptional({
    default: false,
    description: "Answer 200 with each item's plan and verdict; write nothing, queue nothing.",
  })
  dryRun?: boolean;
}

export class ReleaseIdParams {
  @ApiProperty({ format: 'uuid' })
  id!: string;
}

export class ReleaseListQuery {
  @ApiPropertyOptional({ description: 'The nextCursor of the previous page (opaque).' })
  cursor?: string;
  @ApiPropertyOptional({
    minimum: 1,
    maximum: RELEASE_PAGE_LIMIT.max,
    default: RELEASE_PAGE_LIMIT.default,
  })
  limit?: number;
}
