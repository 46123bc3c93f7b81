import type { AuditActor } from '@airlock/audit';
import { PoliciesService } from '@airlock/policies';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import { PutPolicyBody, StageNameParams } from './policy.dto';
import { PolicyView } from './policy.views';

@ApiTags('policies')
@Controller('api/v1/stages/:name/policy')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Put()
  @Roles('admin')
  @ApiOperation({
    summary: 'Set the policy of a stage',
    description:
      'Replaces the whole policy (an omitted field takes its default). Audited as `policy.created` or `policy.updated`.',
  })
  @ApiOkResponse({ type: PolicyView })
  @ApiProblemResponse(
    400,
    'INVALID_INPUT: a field breaks its rule (the field is named), or an unknown field.',
  )
  @ApiProblemResponse(404, 'NOT_FOUND: no stage with this name.')
  async put(
    @Param() params: StageNameParams,
    @Body() body: PutPolicyBody,
    @CurrentActor() actor: AuditActor,
  ): Promise<PolicyView> {
    const { policy } = await this.policies.put(params.name, body, actor);
    return policy;
  }

  @Get()
  @ApiOperation({ summary: 'The policy of a stage' })
  @ApiOkResponse({ type: PolicyView })
  @ApiProblemResponse(400, 'INVALID_INPUT: name is not a stage name.')
  @ApiProblemResponse(404, 'NOT_FOUND: no stage with this name, or it has no policy yet.')
  get(@Param() params: StageNameParams): Promise<PolicyView> {
    return this.policies.show(params.name);
  }
}
