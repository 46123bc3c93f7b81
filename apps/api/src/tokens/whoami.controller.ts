import type { Principal } from '@airlock/auth';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { PrincipalView } from './token.views';

@ApiTags('tokens')
@Controller('api/v1/whoami')
export class WhoamiController {
  @Get()
  @ApiOperation({
    summary: 'The token this request authenticated with',
    description: 'Handy to check a CI secret.',
  })
  @ApiOkResponse({ type: PrincipalView })
  whoami(@CurrentPrincipal() principal: Principal): PrincipalView {
    return { tokenId: principal.tokenId, name: principal.name, role: principal.role };
  }
}
