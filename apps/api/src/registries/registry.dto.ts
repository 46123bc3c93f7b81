import {
  MAX_PASSWORD_LENGTH,
  MAX_REGISTRY_URL_LENGTH,
  MAX_USERNAME_LENGTH,
  REGISTRY_NAME_PATTERN,
  REGISTRY_NAME_RULE,
  REGISTRY_ROLES,
  type RegistryRole,
} from '@airlock/registries';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The document's description of registry bodies; RegistriesService reads and checks them. */
export class RegistryCredentialsBody {
  @ApiProperty({ example: 'airlock-robot', minLength: 1, maxLength: MAX_USERNAME_LENGTH })
  username!: string;

  @ApiProperty({
    example: 's3cr3t',
    minLength: 1,
    maxLength: MAX_PASSWORD_LENGTH,
    writeOnly: true,
    description:
      'Sealed with AIRLOCK_SECRET_KEY (AES-256-GCM) before it is stored; never returned, logged or audited.',
  })
  password!: string;
}

export class RegistryTlsBody {
  @ApiPropertyOptional({
    description:
      'PEM bundle of CA certificates to trust for this registry, in addition to the system roots.',
    example: '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n',
    nullable: true,
    type: String,
  })
  caPem?: string | null;

  @ApiPropertyOptional({
    description:
      'Skip certificate verification. For test registries only: the registry answers with a warning on every read.',
    default: false,
  })
  insecure?: boolean;
}

export class CreateRegistryBody {
  @ApiProperty({
    example: 'prod-eu',
    pattern: REGISTRY_NAME_PATTERN.source,
    description: REGISTRY_NAME_RULE,
  })
  name!: string;

  @ApiProperty({
    example: 'https://registry.example.com',
    description:
      'http(s) origin of the registry: no credentials, no path (a trailing "/" is dropped).',
    maxLength: MAX_REGISTRY_URL_LENGTH,
  })
  url!: string;

  @ApiProperty({ enum: REGISTRY_ROLES, example: 'prod' })
  role!: RegistryRole;

  @ApiPropertyOptional({
    type: RegistryCredentialsBody,
    nullable: true,
    description: 'Needs AIRLOCK_SECRET_KEY on the server.',
  })
  credentials?: RegistryCredentialsBody | null;

  @ApiPropertyOptional({ type: RegistryTlsBody, nullable: true })
  tls?: RegistryTlsBody | null;
}

export class UpdateRegistryBody {
  @ApiPropertyOptional({
    example: 'https://registry.example.com',
    maxLength: MAX_REGISTRY_URL_LENGTH,
  })
  url?: string;

  @ApiPropertyOptional({ enum: REGISTRY_ROLES })
  role?: RegistryRole;

  @ApiPropertyOptional({
    type: RegistryCredentialsBody,
    nullable: true,
    description: 'Replaces the credentials; null removes them.',
  })
  credentials?: RegistryCredentialsBody | null;

  @ApiPropertyOptional({
    type: RegistryTlsBody,
    nullable: true,
    description: 'Replaces the TLS settings whole; null resets them.',
  })
  tls?: RegistryTlsBody | null;
}

export class RegistryNameParams {
  @ApiProperty({ example: 'prod-eu', pattern: REGISTRY_NAME_PATTERN.source })
  name!: string;
}
