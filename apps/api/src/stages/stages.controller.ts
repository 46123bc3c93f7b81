import type { AuditActor } from '@airlock/audit';
import { StagesService } from '@airlock/stages';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
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
import { CreateStageBody, StageNameParams, UpdateStageBody } from './stage.dto';
import { StageListView, StageView } from './stage.views';

@ApiTags('stages')
@Controller('api/v1/stages')
export class StagesController {
  constructor(private readonly stages: StagesService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Add a stage',
    description: 'With its position and registries. Audited as `stage.created`.',
  })
  @ApiCreatedResponse({ type: StageView })
  @ApiProblemResponse(
    400,
    'INVALID_INPUT: a field breaks a rule, an unknown registry (registries[i]), or an unknown field.',
  )
  @ApiProblemResponse(409, 'CONFLICT: the name is taken.')
  create(@Body() body: CreateStageBody, @CurrentActor() actor: AuditActor): Promise<StageView> {
    return this.stages.create(body, actor);
  }

  @Get()
  @ApiOperation({
    summary: 'List stages',
    description: 'In pipeline order, each with its registries.',
  })
  @ApiOkResponse({ type: StageListView })
  async list(): Promise<StageListView> {
    return { items: await this.stages.list() };
  }

  @Get(':name')
  @ApiOperation({ summary: 'Show a stage' })
  @ApiOkResponse({ type: StageView })
  @ApiProblemResponse(404, 'NOT_FOUND: no stage with this name.')
  show(@Param() params: StageNameParams): Promise<StageView> {
    return this.stages.show(params.name);
  }

  @Patch(':name')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change a stage',
    description:
      '`position` and/or `registries` (replaces the membership). Audited as `stage.updated`.',
  })
  @ApiOkResponse({ type: StageView })
  @ApiProblemResponse(
    400,
    'INVALID_INPUT: a field breaks a rule, an unknown registry (registries[i]), or an unknown field.',
  )
  @ApiProblemResponse(404, 'NOT_FOUND: no stage with this name.')
  update(
    @Param() params: StageNameParams,
    @Body() body: UpdateStageBody,
    @CurrentActor() actor: AuditActor,
  ): Promise<StageView> {
    return this.stages.update(params.name, body, actor);
  }

  @Delete(':name')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a stage',
    description:
      'Refused while promotions target it. Its membership and its policy go with it. Audited as `stage.deleted`.',
  })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblemResponse(404, 'NOT_FOUND: no stage with this name.')
  @ApiProblemResponse(409, 'CONFLICT: promotions target this stage.')
  async delete(@Param() params: StageNameParams, @CurrentActor() actor: AuditActor): Promise<void> {
    await this.stages.delete(params.name, actor);
  }
}
