import type { AuditActor } from '@airlock/audit';
import { MirrorRulesService } from '@airlock/mirror';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import {
  ArchivedQuery,
  CreateMirrorRuleBody,
  MirrorRuleNameParams,
  MirrorRunListQuery,
  MirrorRunParams,
  UpdateMirrorRuleBody,
} from './mirror.dto';
import {
  ArchivedDigestListView,
  MirrorRuleListView,
  MirrorRuleView,
  MirrorRunPageView,
  MirrorRunView,
  SyncRequestedView,
} from './mirror.views';

@ApiTags('mirror')
@Roles('admin')
@Controller('api/v1/mirror-rules')
export class MirrorRulesController {
  constructor(private readonly mirrors: MirrorRulesService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a mirror rule',
    description:
      'Archives the selected tags of an upstream repository into a registry of role `archive` on a cron schedule (UTC), ' +
      'one sync per tick however many workers run. Audited as `mirror_rule.created`.',
  })
  @ApiCreatedResponse({ type: MirrorRuleView })
  @ApiProblemResponse(
    400,
    'INVALID_INPUT: a field breaks a rule (cron, regex, semver range, unknown registry, archive role).',
  )
  @ApiProblemResponse(
    409,
    'CONFLICT: the name is taken, or another rule archives into the same repository.',
  )
  create(
    @Body() body: CreateMirrorRuleBody,
    @CurrentActor() actor: AuditActor,
  ): Promise<MirrorRuleView> {
    return this.mirrors.create(body, actor);
  }

  @Get()
  @ApiOperation({ summary: 'List mirror rules' })
  @ApiOkResponse({ type: MirrorRuleListView })
  async list(): Promise<MirrorRuleListView> {
    return { items: await this.mirrors.list() };
  }

  @Get(':name')
  @ApiOperation({ summary: 'Show a mirror rule' })
  @ApiOkResponse({ type: MirrorRuleView })
  @ApiProblemResponse(404, 'NOT_FOUND: no such rule.')
  show(@Param() params: MirrorRuleNameParams): Promise<MirrorRuleView> {
    return this.mirrors.show(params.name);
  }

  @Patch(':name')
  @ApiOperation({
    summary: 'Change a mirror rule',
    description:
      'Fields left out stay; `tags` is replaced whole. The schedule follows at once. Audited as `mirror_rule.updated`.',
  })
  @ApiOkResponse({ type: MirrorRuleView })
  @ApiProblemResponse(400, 'INVALID_INPUT: a field breaks a rule.')
  @ApiProblemResponse(404, 'NOT_FOUND: no such rule.')
  @ApiProblemResponse(409, 'CONFLICT: another rule archives into that repository.')
  update(
    @Param() params: MirrorRuleNameParams,
    @Body() body: UpdateMirrorRuleBody,
    @CurrentActor() actor: AuditActor,
  ): Promise<MirrorRuleView> {
    return this.mirrors.update(params.name, body, actor);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a mirror rule',
    description:
      'Its schedule and run history go; archived digests stay in the Archive and in Airlock. Audited as `mirror_rule.deleted`.',
  })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblemResponse(404, 'NOT_FOUND: no such rule.')
  async delete(
    @Param() params: MirrorRuleNameParams,
    @CurrentActor() actor: AuditActor,
  ): Promise<void> {
    await this.mirrors.delete(params.name, actor);
  }

  @Post(':name/sync')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Sync a mirror rule now',
    description:
      'Queues a sync whatever the schedule or `enabled` say. If a sync of the rule is running, this one waits its turn ' +
      '(retried by the queue). Audited as `mirror_rule.sync_requested`.',
  })
  @ApiAcceptedResponse({ type: SyncRequestedView })
  @ApiProblemResponse(404, 'NOT_FOUND: no such rule.')
  @ApiProblemResponse(503, 'DEPENDENCY_UNAVAILABLE: the job queue (Redis) is down.')
  sync(
    @Param() params: MirrorRuleNameParams,
    @CurrentActor() actor: AuditActor,
  ): Promise<SyncRequestedView> {
    return this.mirrors.syncNow(params.name, actor);
  }

  @Get(':name/runs')
  @ApiOperation({
    summary: 'The run history of a mirror rule',
    description:
      'Newest first, keyset pages. Each run: status, trigger, tags checked, new digests, bytes copied, duration, errors, per-tag outcomes.',
  })
  @ApiOkResponse({ type: MirrorRunPageView })
  @ApiProblemResponse(400, 'INVALID_INPUT: a bad cursor or limit.')
  @ApiProblemResponse(404, 'NOT_FOUND: no such rule.')
  runs(
    @Param() params: MirrorRuleNameParams,
    @Query() query: MirrorRunListQuery,
  ): Promise<MirrorRunPageView> {
    return this.mirrors.runs(params.name, query);
  }

  @Get(':name/runs/:runId')
  @ApiOperation({ summary: 'One run of a mirror rule' })
  @ApiOkResponse({ type: MirrorRunView })
  @ApiProblemResponse(404, 'NOT_FOUND: no such rule or run.')
  run(@Param() params: MirrorRunParams): Promise<MirrorRunView> {
    return this.mirrors.run(params.name, params.runId);
  }

  @Get(':name/archive')
  @ApiOperation({
    summary: 'Digests archived by a mirror rule',
    description:
      'Every digest each tag ever pointed at upstream, with when it was first and last seen there; `current` marks the ' +
      'latest. Old digests stay pullable from the Archive by digest (and by `historyTag`).',
  })
  @ApiOkResponse({ type: ArchivedDigestListView })
  @ApiProblemResponse(404, 'NOT_FOUND: no such rule.')
  async archived(
    @Param() params: MirrorRuleNameParams,
    @Query() query: ArchivedQuery,
  ): Promise<ArchivedDigestListView> {
    return { items: await this.mirrors.archived(params.name, query) };
  }
}
