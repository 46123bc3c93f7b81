import type {
  ImageReferrersView as ImageReferrers,
  LocationReferrersView as LocationReferrers,
  PlatformReferrersView as PlatformReferrers,
  ReferrerView as Referrer,
} from '@airlock/images';
import { ApiProperty } from '@nestjs/swagger';

/* The answers' documents: each class implements the lib's view, so the compiler holds them together. */

const EXAMPLE_DIGEST = `sha256:${'b'.repeat(64)}`;

export class ReferrerView implements Referrer {
  @ApiProperty({ example: EXAMPLE_DIGEST })
  digest!: string;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'application/vnd.dev.cosign.artifact.sig.v1+json',
    description:
      'What the artifact is (a signature, an SBOM, an attestation); null when undeclared.',
  })
  artifactType!: string | null;

  @ApiProperty({ example: 'application/vnd.oci.image.manifest.v1+json' })
  mediaType!: string;

  @ApiProperty({ example: 1024 })
  size!: number;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  annotations!: Record<string, string>;
}

export class PlatformReferrersView implements PlatformReferrers {
  @ApiProperty({ example: EXAMPLE_DIGEST, description: 'The platform manifest.' })
  digest!: string;

  @ApiProperty({ example: 'linux/arm64' })
  platform!: string;

  @ApiProperty({ type: [ReferrerView] })
  referrers!: ReferrerView[];
}

export class ReferrersErrorView {
  @ApiProperty({ example: 'REGISTRY_UNREACHABLE' })
  code!: string;

  @ApiProperty({ example: 'Registry "prod-eu" did not answer' })
  message!: string;
}

export class LocationReferrersView implements LocationReferrers {
  @ApiProperty({ example: 'prod-eu' })
  registry!: string;

  @ApiProperty({ example: 'team/app' })
  repository!: string;

  @ApiProperty({
    type: [ReferrerView],
    nullable: true,
    description: "The image's own referrers; null when the registry could not be read.",
  })
  referrers!: ReferrerView[] | null;

  @ApiProperty({
    type: [PlatformReferrersView],
    nullable: true,
    description: "For an index, each platform manifest's referrers; null for a single image.",
  })
  platforms!: PlatformReferrersView[] | null;

  @ApiProperty({
    type: ReferrersErrorView,
    nullable: true,
    description: 'Why this registry could not be read (the others still answer).',
  })
  error!: ReferrersErrorView | null;
}

export class ImageReferrersView implements ImageReferrers {
  @ApiProperty({ example: EXAMPLE_DIGEST })
  digest!: string;

  @ApiProperty({ type: [LocationReferrersView], description: 'One per location of the image.' })
  locations!: LocationReferrersView[];
}
