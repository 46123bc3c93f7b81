import { ReadinessService } from '@airlock/policies';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DigestParams } from '../gates/gate.dto';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import { ReadinessQuery } from './policy.dto';
import { ReadinessView } from './policy.views';

@ApiTags('policies')
@Controller('api/v1/gates/:digest/readiness')
export class ReadinessController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get()
  @ApiOperation({
    summary: 'Would the digest be admitted to a stage now?',
    description:
      "Evaluates the target stage's stored policy against the newest gate results of the digest. Rules: " +
      '`sourceStage`, `requiredGate`, `approvals`, `tagPattern`, `latestForbidden`, `immutableTag`, `requiredReferrer`, `requiredPlatformReferrer`. ' +
      "This answers from the ledger alone: it knows no registry state, so the target's existing tags are not checked " +
      '(`immutableTag` never fires here) and no referrers are known (every `requiredReferrer` and `requiredPlatformReferrer` is reported missing). ' +
      'Four-eyes excludes who registered the image and who requested its promotions. `POST /api/v1/promotions` with ' +
      '`dryRun: true` gives the full verdict, registries included.',
  })
  @ApiOkResponse({ type: ReadinessView })
  @ApiProblemResponse(400, 'INVALID_INPUT: bad digest, stage, source or tags (the field is named).')
  @ApiProblemResponse(404, 'NOT_FOUND: no such stage, or it has no policy.')
  evaluate(@Param() params: DigestParams, @Query() query: ReadinessQuery): Promise<ReadinessView> {
    return this.readiness.evaluate(params.digest, query);
  }
}
