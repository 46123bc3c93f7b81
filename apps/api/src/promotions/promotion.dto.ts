import { PROMOTION_STATUSES, type PromotionStatus } from '@airlock/promotions';
import { MAX_PROMOTION_TAGS, PROMOTION_PAGE_LIMIT } from '@airlock/promotions';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const EXAMPLE_DIGEST = `sha256:${'a'.repeat(64)}`;

/**
 * The document's description of promotion requests; the promotions services read and check them
 * (libs/promotions/src/promotion-rules.ts holds the rules and limits).
 */
export class RequestPromotionBody {
  @ApiProperty({ example: 'team/app', description: 'Repository in the source registry.' })
  repository!: string;

  @ApiPropertyOptional({
    example: EXAMPLE_DIGEST,
    description: 'The image digest. Exactly one of `digest` and `tag`.',
  })
  digest?: string;

  @ApiPropertyOptional({
    example: 'build-42',
    description:
      'A tag in the source registry, resolved to its digest now, once: the promotion is bound to that digest.',
  })
  tag?: string;

  @ApiProperty({ example: 'ci', description: 'The stage the image comes from.' })
  source!: string;

  @ApiPropertyOptional({
    example: 'ci-pool',
    description:
      'The registry of the source stage that holds the image; needed when the stage has several.',
  })
  sourceRegistry?: string;

  @ApiProperty({
    example: 'prod',
    description:
      'The target stage: its policy applies, and the copy fans out to each of its registries.',
  })
  target!: string;

  @ApiPropertyOptional({
    example: 'team/app',
    description: 'Repository in the target registries (default: `repository`).',
  })
  targetRepository?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['1.4.2'],
    maxItems: MAX_PROMOTION_TAGS,
    description: 'Tags written in every target registry, last, once the copy landed.',
  })
  tags?: string[];

  @ApiPropertyOptional({
    default: false,
    description: 'Answer 200 with the plan and the policy verdict; write nothing, queue nothing.',
  })
  dryRun?: boolean;
}

export class PromotionIdParams {
  @ApiProperty({ format: 'uuid' })
  id!: string;
}

export class PromotionListQuery {
  @ApiPropertyOptional({ example: EXAMPLE_DIGEST })
  digest?: string;

  @ApiPropertyOptional({ example: 'prod', description: 'Target stage.' })
  stage?: string;

  @ApiPropertyOptional({ enum: PROMOTION_STATUSES })
  status?: PromotionStatus;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page (opaque).' })
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: PROMOTION_PAGE_LIMIT.max,
    default: PROMOTION_PAGE_LIMIT.default,
  })
  limit?: number;
}
