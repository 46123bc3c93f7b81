import {
  MAX_APPROVALS,
  MAX_LIST_ITEMS,
  MAX_TAG_PATTERN_LENGTH,
  STAGE_NAME_PATTERN,
} from '@airlock/policies';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The document's description of the stage name path parameter; PoliciesService reads it. */
export class StageNameParams {
  @ApiProperty({ example: 'prod', pattern: STAGE_NAME_PATTERN.source })
  name!: string;
}

/**
 * PUT replaces the whole policy: an omitted field takes its default. The document's description;
 * PoliciesService reads and checks the body (policy-rules.ts).
 */
export class PutPolicyBody {
  @ApiPropertyOptional({
    type: [String],
    example: ['ci'],
    default: [],
    maxItems: MAX_LIST_ITEMS,
    uniqueItems: true,
    description: 'Stages a promotion may come from; empty = any.',
  })
  allowedSourceStages?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['unit-tests', 'trivy'],
    default: [],
    maxItems: MAX_LIST_ITEMS,
    uniqueItems: true,
    description: 'Gates whose newest result must be passed.',
  })
  requiredGates?: string[];

  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_APPROVALS,
    default: 0,
    description: 'Distinct approvers needed (four-eyes applies).',
  })
  approvalsRequired?: number;

  @ApiPropertyOptional({
    default: true,
    description: 'A tag already pointing at another digest is a conflict, never an overwrite.',
  })
  immutableTags?: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '\\d+\\.\\d+\\.\\d+',
    default: null,
    minLength: 1,
    maxLength: MAX_TAG_PATTERN_LENGTH,
    description:
      'Regular expression every tag must match whole (anchored for you); null = any tag.',
  })
  tagPattern?: string | null;

  @ApiPropertyOptional({ default: false, description: 'Refuse the tag `latest`.' })
  forbidLatest?: boolean;

  @ApiPropertyOptional({
    type: [String],
    example: ['application/vnd.dev.cosign.artifact.sig.v1+json'],
    default: [],
    maxItems: MAX_LIST_ITEMS,
    uniqueItems: true,
    description: 'Artifact types of referrers (signatures, SBOMs) the digest itself must have.',
  })
  requiredReferrers?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['application/vnd.dev.cosign.artifact.sig.v1+json'],
    default: [],
    maxItems: MAX_LIST_ITEMS,
    uniqueItems: true,
    description:
      'Artifact types of referrers every platform manifest of an index must have (for a single-platform image: the image itself).',
  })
  requiredPlatformReferrers?: string[];
}

/** The readiness query, for the document; ReadinessService reads it. */
export class ReadinessQuery {
  @ApiProperty({ example: 'prod', description: 'The target stage, whose policy applies.' })
  stage!: string;

  @ApiPropertyOptional({ example: 'ci', description: 'The stage the image would come from.' })
  source?: string;

  @ApiPropertyOptional({
    type: String,
    example: '1.2.3,stable',
    description: 'Tags the promotion would apply, comma-separated.',
  })
  tags?: string;
}
