import { REGISTRY_ROLES, type RegistryRole } from '@airlock/persistence';
import { REGISTRY_NAME_PATTERN, REGISTRY_NAME_RULE } from '@airlock/registries';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

export class RegistryCredentialsBody {
  @ApiProperty({ example: 'airlock-robot', minLength: 1, maxLength: 256 })
  @IsString()
  @Length(1, 256)
  username!: string;

  @ApiProperty({
    example: 's3cr3t',
    minLength: 1,
    maxLength: 4096,
    writeOnly: true,
    description:
      'Sealed with AIRLOCK_SECRET_KEY (AES-256-GCM) before it is stored; never returned, logged or audited.',
  })
  @IsString()
  @Length(1, 4096)
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
  @IsOptional()
  @IsString()
  @MaxLength(65536)
  caPem?: string | null;

  @ApiPropertyOptional({
    description:
      'Skip certificate verification. For test registries only: the registry answers with a warning on every read.',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  insecure?: boolean;
}

export class CreateRegistryBody {
  @ApiProperty({
    example: 'prod-eu',
    pattern: REGISTRY_NAME_PATTERN.source,
    description: REGISTRY_NAME_RULE,
  })
  @IsString()
  @Matches(REGISTRY_NAME_PATTERN, { message: REGISTRY_NAME_RULE })
  name!: string;

  @ApiProperty({
    example: 'https://registry.example.com',
    description:
      'http(s) origin of the registry: no credentials, no path (a trailing "/" is dropped).',
    maxLength: 2048,
  })
  @IsString()
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ enum: REGISTRY_ROLES, example: 'prod' })
  @IsIn(REGISTRY_ROLES)
  role!: RegistryRole;

  @ApiPropertyOptional({
    type: RegistryCredentialsBody,
    nullable: true,
    description: 'Needs AIRLOCK_SECRET_KEY on the server.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RegistryCredentialsBody)
  credentials?: RegistryCredentialsBody | null;

  @ApiPropertyOptional({ type: RegistryTlsBody, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RegistryTlsBody)
  tls?: RegistryTlsBody | null;
}

export class UpdateRegistryBody {
  @ApiPropertyOptional({ example: 'https://registry.example.com', maxLength: 2048 })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ enum: REGISTRY_ROLES })
  @IsOptional()
  @IsIn(REGISTRY_ROLES)
  role?: RegistryRole;

  @ApiPropertyOptional({
    type: RegistryCredentialsBody,
    nullable: true,
    description: 'Replaces the credentials; null removes them.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RegistryCredentialsBody)
  credentials?: RegistryCredentialsBody | null;

  @ApiPropertyOptional({
    type: RegistryTlsBody,
    nullable: true,
    description: 'Replaces the TLS settings whole; null resets them.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RegistryTlsBody)
  tls?: RegistryTlsBody | null;
}

export class RegistryNameParams {
  @ApiProperty({ example: 'prod-eu', pattern: REGISTRY_NAME_PATTERN.source })
  @IsString()
  @Matches(REGISTRY_NAME_PATTERN, { message: REGISTRY_NAME_RULE })
  name!: string;
}
