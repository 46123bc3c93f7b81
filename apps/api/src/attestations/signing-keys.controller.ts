import { SigningKeys } from '@airlock/attestations';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { SigningKeysView } from './signing-keys.views';

@ApiTags('attestations')
@Controller('api/v1/signing-keys')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeys) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'The public keys promotion attestations are signed with',
    description:
      'Public, like any JWKS: admission controllers and `airlock verify` check attestations with these. The current key ' +
      'and every earlier one (AIRLOCK_SIGNING_PREVIOUS_KEYS_FILE), so attestations signed before a rotation still verify.',
  })
  @ApiOkResponse({ type: SigningKeysView })
  list(): SigningKeysView {
    return { keys: this.keys.published };
  }
}
