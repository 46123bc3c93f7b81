import { ROLES, type Role } from '@airlock/auth';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length, Matches } from 'class-validator';

export class CreateTokenBody {
  @ApiProperty({
    example: 'jenkins-prod',
    description:
      'Who or what uses the token; shown in lists and the audit log. `bootstrap-admin` is reserved.',
    minLength: 1,
    maxLength: 64,
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  })
  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    message:
      'name must start with a letter or digit and hold only letters, digits, ".", "_" and "-"',
  })
  name!: string;

  @ApiProperty({ enum: ROLES, example: 'ci' })
  @IsIn(ROLES)
  role!: Role;
}

export class TokenIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}
