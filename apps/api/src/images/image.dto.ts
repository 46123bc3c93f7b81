import {
  DIGEST_PATTERN,
  GATE_FILTER_STATUSES,
  IMAGE_PAGE_LIMIT,
  MAX_REPOSITORY_LENGTH,
  REPOSITORY_PATTERN,
  TAG_PATTERN,
  type GateFilterStatus,
} from '@airlock/images';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const EXAMPLE_DIGEST = `sha256:${'a'.repeat(64)}`;

/** The documents of the images routes' input; ImagesService reads and checks it. */
export class BuildBody {
  @ApiPropertyOptional({ example: '9f2c1e7', maxLength: 200 })
  commit?: string;

  @ApiPropertyOptional({
    example: 'https://jenkins.example.com/job/app/42/',
    description: 'An http(s) URL of the build.',
  })
  url?: string;

  @ApiPropertyOptional({ example: '4711', maxLength: 200 })
  pipelineId?: string;
}

export class RegisterImageBody {
  @ApiProperty({ example: 'sandbox', description: 'Name of a registry known to Airlock.' })
  registry!: string;

  @ApiProperty({
    example: 'team/app',
    pattern: REPOSITORY_PATTERN.source,
    maxLength: MAX_REPOSITORY_LENGTH,
  })
  repository!: string;

  @ApiPropertyOptional({
    example: '1.4.2',
    pattern: TAG_PATTERN.source,
    description: 'Resolved to a digest once. Exactly one of tag or digest.',
  })
  tag?: string;

  @ApiPropertyOptional({
    example: EXAMPLE_DIGEST,
    pattern: DIGEST_PATTERN.source,
    description: 'Exactly one of tag or digest.',
  })
  digest?: string;

  @ApiPropertyOptional({
    type: BuildBody,
    description: 'Kept from the first registration of the (repository, digest).',
  })
  build?: BuildBody;
}

export class ImageListQuery {
  @ApiPropertyOptional({ example: 'team/app', description: 'Exact repository.' })
  repository?: string;

  @ApiPropertyOptional({ example: EXAMPLE_DIGEST })
  digest?: string;

  @ApiPropertyOptional({
    example: 'prod',
    description: 'Only images present in a registry of this stage.',
  })
  stage?: string;

  @ApiPropertyOptional({
    example: 'unit-tests',
    description: 'Only images whose newest result of this gate has `gateStatus` (default passed).',
  })
  gate?: string;

  @ApiPropertyOptional({
    enum: GATE_FILTER_STATUSES,
    description: '`missing`: the gate has no result yet. Needs `gate`.',
  })
  gateStatus?: GateFilterStatus;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page (opaque).' })
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: IMAGE_PAGE_LIMIT.max,
    default: IMAGE_PAGE_LIMIT.default,
  })
  limit?: number;
}

export class ImageDigestParams {
  @ApiProperty({ example: EXAMPLE_DIGEST, pattern: DIGEST_PATTERN.source })
  digest!: string;
}

export class ImageShowQuery {
  @ApiPropertyOptional({ example: 'team/app', description: 'Only the image in this repository.' })
  repository?: string;
}
