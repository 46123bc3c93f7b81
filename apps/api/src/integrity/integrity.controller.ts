import type { AuditActor } from '@airlock/audit';
import { IntegrityService } from '@airlock/integrity';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import {
  AcknowledgeFindingBody,
  FindingParams,
  IntegrityQuery,
  IntegrityRunBody,
  IntegrityRunListQuery,
} from './integrity.dto';
import {
  FindingView,
  IntegrityOverviewView,
  IntegrityRunPageView,
  IntegrityRunsQueuedView,
} from './integrity.views';

@ApiTags('integrity')
@Controller('api/v1/integrity')
export class IntegrityController {
  constructor(private readonly integrity: IntegrityService) {}

  @Get()
  @ApiOperation({
    summary: 'The Prod integrity audit: latest runs and findings',
    description:
      'The newest run of each registry of role prod, and the findings (default: `open`) — what the registries hold that ' +
      "Airlock's ledger does not explain. Filters narrow the findings.",
  })
  @ApiOkResponse({ type: IntegrityOverviewView })
  @ApiProblemResponse(400, 'INVALID_INPUT: a filter breaks its rule (the field is named).')
  overview(@Query() query: IntegrityQuery): Promise<IntegrityOverviewView> {
    return this.integrity.overview(query);
  }

  @Get('runs')
  @ApiOperation({
    summary: 'The integrity run history',
    description:
      "Newest first. Page with `cursor` = the previous page's `nextCursor` until it is null.",
  })
  @ApiOkResponse({ type: IntegrityRunPageView })
  @ApiProblemResponse(400, 'INVALID_INPUT: a bad registry, cursor or limit.')
  runs(@Query() query: IntegrityRunListQuery): Promise<IntegrityRunPageView> {
    return this.integrity.runs(query);
  }

  @Post('runs')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({
    summary: 'Audit now',
    description:
      'Queues a run of one registry of role prod (`registry`), or of each. A run waits for an audit of the same ' +
      'registry under way. Audited as `integrity.run_requested`.',
  })
  @ApiAcceptedResponse({ type: IntegrityRunsQueuedView })
  @ApiProblemResponse(400, 'INVALID_INPUT: `registry` is not a registry of role prod.')
  @ApiProblemResponse(503, 'DEPENDENCY_UNAVAILABLE: the job queue (Redis) is down.')
  queue(
    @Body() body: IntegrityRunBody,
    @CurrentActor() actor: AuditActor,
  ): Promise<IntegrityRunsQueuedView> {
    return this.integrity.queueRuns(body, actor);
  }

  @Post('findings/:id/acknowledge')
  @HttpCode(200)
  @Roles('approver')
  @ApiOperation({
    summary: 'Acknowledge a finding',
    description:
      'Marks a finding known and accepted, with a comment; it stays (acknowledged) until a run no longer sees it, and ' +
      'is not announced again. Audited as `integrity.finding_acknowledged`.',
  })
  @ApiOkResponse({ type: FindingView })
  @ApiProblemResponse(400, 'INVALID_INPUT: a bad id or comment.')
  @ApiProblemResponse(404, 'NOT_FOUND: no such finding.')
  @ApiProblemResponse(409, 'CONFLICT: the finding is resolved.')
  acknowledge(
    @Param() params: FindingParams,
    @Body() body: AcknowledgeFindingBody,
    @CurrentActor() actor: AuditActor,
  ): Promise<FindingView> {
    return this.integrity.acknowledge(params.id, body, actor);
  }
}
