import {
  ROLES,
  type Principal as AuthPrincipal,
  type Role,
  type TokenSummary,
} from '@airlock/auth';
import { ApiProperty } from '@nestjs/swagger';

/** The answer's document: the compiler holds it to the lib's TokenSummary. */
export class TokenView implements TokenSummary {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'jenkins-prod' })
  name!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiProperty({
    example: 'alk_Xq3vR9aB',
    description: 'The first 12 characters of the token, to recognise it.',
  })
  tokenPrefix!: string;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The token that created it; null for bootstrap-admin.',
  })
  createdBy!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Updated at most once a minute.',
  })
  lastUsedAt!: Date | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revokedAt!: Date | null;
}

export class CreatedTokenView extends TokenView {
  @ApiProperty({
    example: 'alk_Xq3vR9aB0c2kT7yW1mN5pL8sD4fG6hJ0zQ9xC3vB7nM',
    description:
      'The token. Shown in this response only: Airlock stores its sha256, never the token.',
  })
  token!: string;
}

export class TokenListView {
  @ApiProperty({ type: [TokenView] })
  items!: TokenView[];
}

export class PrincipalView implements AuthPrincipal {
  @ApiProperty({ format: 'uuid' })
  tokenId!: string;

  @ApiProperty({ example: 'jenkins-prod' })
  name!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;
}
