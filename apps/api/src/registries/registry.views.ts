import {
  REGISTRY_ROLES,
  type RegistryCredentialsView as Credentials,
  type RegistryRole,
  type RegistryTlsView as Tls,
  type RegistryView as Registry,
} from '@airlock/registries';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The answers' documents: the compiler holds them to the lib's views. */
export class RegistryCredentialsView implements Credentials {
  @ApiProperty({ example: 'airlock-robot' })
  username!: string;

  @ApiProperty({ enum: [true], description: 'The password is stored (sealed); it is never shown.' })
  passwordSet!: true;
}

export class RegistryTlsView implements Tls {
  @ApiProperty({ type: String, nullable: true })
  caPem!: string | null;

  @ApiProperty()
  insecure!: boolean;
}

export class RegistryView implements Registry {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'prod-eu' })
  name!: string;

  @ApiProperty({ example: 'https://registry.example.com' })
  url!: string;

  @ApiProperty({ enum: REGISTRY_ROLES })
  role!: RegistryRole;

  @ApiProperty({ type: RegistryCredentialsView, nullable: true })
  credentials!: RegistryCredentialsView | null;

  @ApiProperty({ type: RegistryTlsView })
  tls!: RegistryTlsView;

  @ApiProperty({
    type: [String],
    description: 'Settings that weaken security (tls.insecure, credentials over http).',
  })
  warnings!: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: Date;
}

export class RegistryListView {
  @ApiProperty({ type: [RegistryView] })
  items!: RegistryView[];
}

export class RegistryCheckView {
  @ApiProperty({ description: 'Whether GET /v2/ with the stored credentials answered 200.' })
  ok!: boolean;

  @ApiProperty({ example: 12 })
  latencyMs!: number;

  @ApiPropertyOptional({
    example: 'REGISTRY_AUTH_FAILED',
    description:
      'When ok is false: REGISTRY_UNREACHABLE (network or TLS), REGISTRY_AUTH_FAILED, CREDENTIALS_UNREADABLE (sealed under another AIRLOCK_SECRET_KEY), NOT_CONFIGURED (no key), ...',
  })
  code?: string;

  @ApiPropertyOptional({
    description: 'When ok is false: what failed, in words (a certificate problem names tls.caPem).',
  })
  problem?: string;
}

export class NotificationSummaryView {
  @ApiProperty({ description: 'Events in the envelope.', example: 5 })
  received!: number;

  @ApiProperty({
    description: 'Manifest or index push events whose image is registered (now or already before).',
    example: 2,
  })
  registered!: number;

  @ApiProperty({
    description: 'Events that register nothing: blob pushes, pulls, mounts, deletes.',
    example: 3,
  })
  ignored!: number;

  @ApiProperty({
    description: 'Push events whose image could not be read from the registry (logged).',
    example: 0,
  })
  failed!: number;
}
