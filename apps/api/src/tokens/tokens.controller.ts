import type { AuditActor } from '@airlock/audit';
import { TokensService } from '@airlock/auth';
import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import { CreateTokenBody, TokenIdParams } from './token.dto';
import { CreatedTokenView, TokenListView } from './token.views';

@ApiTags('tokens')
@Roles('admin')
@Controller('api/v1/tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Create an API token',
    description:
      'Answers the token once, in this response; Airlock keeps only its hash. Audited as `token.created`.',
  })
  @ApiCreatedResponse({ type: CreatedTokenView })
  @ApiProblemResponse(
    400,
    'INVALID_INPUT: a field breaks a rule, an unknown field, or the reserved name.',
  )
  async create(
    @Body() body: CreateTokenBody,
    @CurrentActor() actor: AuditActor,
  ): Promise<CreatedTokenView> {
    const { summary, token } = await this.tokens.create(body, actor);
    return { ...summary, token };
  }

  @Get()
  @ApiOperation({
    summary: 'List API tokens',
    description: 'Every token, revoked ones included, oldest first. Never the tokens themselves.',
  })
  @ApiOkResponse({ type: TokenListView })
  async list(): Promise<TokenListView> {
    return { items: await this.tokens.list() };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke an API token',
    description:
      'Takes effect at once. Revoking an already revoked token changes nothing; revoking your own token is allowed; ' +
      'revoking the last active admin token is refused (409). Audited as `token.revoked`.',
  })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiProblemResponse(400, 'INVALID_INPUT: id is not a uuid.')
  @ApiProblemResponse(404, 'NOT_FOUND: no token with this id.')
  @ApiProblemResponse(409, 'CONFLICT: this is the last active admin token.')
  async revoke(@Param() params: TokenIdParams, @CurrentActor() actor: AuditActor): Promise<void> {
    await this.tokens.revoke(params.id, actor);
  }
}
