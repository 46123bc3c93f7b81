import type { AuditActor } from '@airlock/audit';
import { GatesService } from '@airlock/gates';
import { Metrics } from '@airlock/observability';
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import {
  DIGEST_PARAM,
  DigestParams,
  GateHistoryQuery,
  RecordApprovalBody,
  RecordGateResultBody,
} from './gate.dto';
import { GateLedgerView, GateResultView } from './gate.views';

@ApiTags('gates')
@Controller('api/v1/gates/:digest')
export class GatesController {
  constructor(
    private readonly gates: GatesService,
    private readonly metrics: Metrics,
  ) {}

  @Post('results')
  @Roles('ci')
  @ApiOperation({
    summary: 'Record a gate result for a digest',
    description:
      'Append-only: the newest result per (digest, gate) counts, earlier ones stay in the history. ' +
      'Approval gates (`approval`, and any gate already holding approvals for this digest) are refused: use the approvals route. ' +
      'Audited as `gate.recorded`.',
  })
  @ApiCreatedResponse({ type: GateResultView })
  @ApiProblemResponse(
    400,
    'INVALID_INPUT: bad digest, gate name, status, url or details (the field is named), or an unknown field.',
  )
  @ApiProblemResponse(409, 'CONFLICT: the gate is an approval gate.')
  @ApiParam(DIGEST_PARAM)
  @ApiBody({ type: RecordGateResultBody })
  async record(
    // Plain types, so the global pipe passes them through: read once, by the service.
    @Param('digest') digest: string,
    @Body() body: unknown,
    @CurrentActor() actor: AuditActor,
  ): Promise<GateResultView> {
    const recorded = await this.gates.record(digest, body, actor);
    this.metrics.gateResults.inc({ kind: 'result', status: recorded.status });
    return recorded;
  }

  @Post('approvals')
  @Roles('approver')
  @ApiOperation({
    summary: 'Approve a digest',
    description:
      "Records a passed result of an approval gate (default `approval`) with the approver's token id and name. " +
      'Four-eyes: refused (403) to the token that registered the image or requested a promotion of it; promotions also ' +
      'count only approvals by other principals. Audited as `approval.recorded`.',
  })
  @ApiCreatedResponse({ type: GateResultView })
  @ApiProblemResponse(
    400,
    'INVALID_INPUT: bad digest, gate name or comment (the field is named), or an unknown field.',
  )
  @ApiProblemResponse(
    403,
    'FORBIDDEN: the role is not allowed, or (four-eyes, `rule: fourEyes`) the approver registered the image or requested its promotion.',
  )
  @ApiProblemResponse(409, 'CONFLICT: the gate holds CI results for this digest.')
  async approve(
    @Param() params: DigestParams,
    @Body() body: RecordApprovalBody,
    @CurrentActor() actor: AuditActor,
  ): Promise<GateResultView> {
    const recorded = await this.gates.approve(params.digest, body, actor);
    this.metrics.gateResults.inc({ kind: 'approval', status: recorded.status });
    return recorded;
  }

  @Get()
  @ApiOperation({
    summary: 'The gate ledger of a digest',
    description:
      'The newest result of every gate, and the history newest first (keyset pages: `cursor` = the previous `history.nextCursor`).',
  })
  @ApiOkResponse({ type: GateLedgerView })
  @ApiProblemResponse(400, 'INVALID_INPUT: bad digest, gate, cursor or limit (the field is named).')
  ledger(@Param() params: DigestParams, @Query() query: GateHistoryQuery): Promise<GateLedgerView> {
    return this.gates.ledger(params.digest, query);
  }
}
