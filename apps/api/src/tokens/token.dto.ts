import { MAX_TOKEN_NAME_LENGTH, ROLES, TOKEN_NAME_PATTERN, type Role } from '@airlock/auth';
import { ApiProperty } from '@nestjs/swagger';

/** The document's description of a new token; TokensService reads and checks the body. */
export class CreateTokenBody {
  @ApiProperty({
    example: 'jenkins-prod',
    description:
      'Who or what uses the token; shown in lists and the audit log. `bootstrap-admin` is reserved.',
    minLength: 1,
    maxLength: MAX_TOKEN_NAME_LENGTH,
    pattern: TOKEN_NAME_PATTERN.source,
  })
  name!: string;

  @ApiProperty({ enum: ROLES, example: 'ci' })
  role!: Role;
}

export class TokenIdParams {
  @ApiProperty({ format: 'uuid' })
  id!: string;
}
