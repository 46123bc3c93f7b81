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
      '`sourceStage`, `requiredGate`, `approvals`, `tagPattern`, `latestForbidden`, `immutableTag`, `requiredReferrer`. ' +
      "**For now** (until images, promotions and tags are tracked): the target's existing tags are taken as empty (so " +
      '`immutableTag` never fires), no referrers are known (so every `requiredReferrer` is reported missing), and ' +
      'four-eyes excludes only the principals the stored images and promotions of the digest name (none yet).',
  })
  @ApiOkResponse({ type: ReadinessView })
  @ApiProblemResponse(400, 'INVALID_INPUT: bad digest, stage, source or tags (the field is named).')
  @ApiProblemResponse(404, 'NOT_FOUND: no such stage, or it has no policy.')
  evaluate(@Param() params: DigestParams, @Query() query: ReadinessQuery): Promise<ReadinessView> {
    return this.readiness.evaluate(params.digest, {
      stage: query.stage,
      source: query.source,
      tags: query.tags,
    });
  }
}
