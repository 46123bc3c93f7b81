import type {
  BuildInfo,
  ImageBase,
  ImageDetailView as ImageDetail,
  ImageGates,
  ImageLocationView as ImageLocation,
  ImagePage,
  ImageTagView as ImageTag,
  ImageView as Image,
} from '@airlock/images';
import { PROMOTION_STATUSES } from '@airlock/promotions';
import type { PromotionSummary } from '@airlock/promotions';
import type { Platform } from '@airlock/registry-client';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GateHistoryPageView, GateResultView } from '../gates/gate.views';
import type { ImageLookupPage } from './image-lookup.composer';

/* The answers' documents: each class implements the lib's view, so the compiler holds them together. */

export class PlatformView implements Platform {
  @ApiProperty({ example: 'linux' })
  os!: string;

  @ApiProperty({ example: 'arm64' })
  architecture!: string;

  @ApiPropertyOptional({ example: 'v8' })
  variant?: string;
}

export class ImageBaseView implements ImageBase {
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'docker.io/library/alpine:3.20',
    description: 'org.opencontainers.image.base.name',
  })
  name!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'org.opencontainers.image.base.digest',
  })
  digest!: string | null;
}

export class ImageBuildView implements BuildInfo {
  @ApiPropertyOptional()
  commit?: string;

  @ApiPropertyOptional()
  url?: string;

  @ApiPropertyOptional()
  pipelineId?: string;
}

export class ImageView implements Image {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'team/app' })
  repository!: string;

  @ApiProperty({ example: `sha256:${'a'.repeat(64)}` })
  digest!: string;

  @ApiProperty({ example: 'application/vnd.oci.image.manifest.v1+json' })
  mediaType!: string;

  @ApiProperty({
    description:
      "Bytes: manifest + config + layers; for an index its own bytes plus every child's total.",
  })
  size!: number;

  @ApiProperty({
    type: [PlatformView],
    description:
      "From the index entries, or from a single image's config blob ([] when it names none or exceeds 1 MiB).",
  })
  platforms!: PlatformView[];

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: "The manifest's (or index's) annotations.",
  })
  annotations!: Record<string, string>;

  @ApiProperty({ type: ImageBaseView })
  base!: ImageBaseView;

  @ApiProperty({ type: ImageBuildView, description: 'As given at the first registration.' })
  build!: ImageBuildView;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Token id of who registered it first.',
  })
  registeredBy!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;
}

export class ImageLocationView implements ImageLocation {
  @ApiProperty({ example: 'sandbox' })
  registry!: string;

  @ApiProperty({ example: 'team/app' })
  repository!: string;

  @ApiProperty({ format: 'date-time' })
  firstSeenAt!: Date;

  @ApiProperty({ format: 'date-time' })
  lastSeenAt!: Date;
}

export class ImageTagView implements ImageTag {
  @ApiProperty({ example: 'sandbox' })
  registry!: string;

  @ApiProperty({ example: 'team/app' })
  repository!: string;

  @ApiProperty({ example: '1.4.2' })
  tag!: string;
}

export class ImageDetailView extends ImageView implements ImageDetail {
  @ApiProperty({ type: [ImageLocationView] })
  locations!: ImageLocationView[];

  @ApiProperty({ type: [ImageTagView], description: 'Tags last seen pointing at this digest.' })
  tags!: ImageTagView[];
}

export class ImagePageView implements ImagePage {
  @ApiProperty({ type: [ImageView], description: 'Newest first.' })
  items!: ImageView[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next (older) page; null on the last page.',
  })
  nextCursor!: string | null;
}

export class ImageGatesView implements ImageGates {
  @ApiProperty({ type: [GateResultView], description: 'The newest result of every gate.' })
  latest!: GateResultView[];

  @ApiProperty({
    type: GateHistoryPageView,
    description: 'The 20 newest results; more at `GET /api/v1/gates/{digest}?cursor=`.',
  })
  history!: GateHistoryPageView;
}

export class ImagePromotionView implements PromotionSummary {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: PROMOTION_STATUSES })
  status!: string;

  @ApiProperty({
    type: 'object',
    properties: {
      stage: { type: 'string', nullable: true },
      registry: { type: 'string' },
      repository: { type: 'string' },
    },
  })
  source!: { stage: string | null; registry: string; repository: string };

  @ApiProperty({ example: 'prod' })
  targetStage!: string;

  @ApiProperty({ type: [String] })
  tags!: string[];

  @ApiProperty({
    type: 'object',
    nullable: true,
    properties: { code: { type: 'string' }, message: { type: 'string' } },
  })
  error!: { code: string; message: string } | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finishedAt!: Date | null;
}

export class ImageLookupView implements ImageLookupPage {
  @ApiProperty({ example: `sha256:${'a'.repeat(64)}` })
  digest!: string;

  @ApiProperty({ type: [ImageDetailView], description: 'One per repository holding the digest.' })
  items!: ImageDetailView[];

  @ApiProperty({ type: ImageGatesView, description: "The digest's gate ledger." })
  gates!: ImageGatesView;

  @ApiProperty({
    type: [ImagePromotionView],
    description:
      'The 20 newest promotions of these images; details at `GET /api/v1/promotions/{id}`.',
  })
  promotions!: ImagePromotionView[];
}
