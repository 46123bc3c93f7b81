import type { AuditActor } from '@airlock/audit';
import {
  EndWatch,
  ReleaseIntakeService,
  ReleaseLifecycleService,
  ReleaseQueries,
} from '@airlock/promotions';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { sendIntakeAnswer } from '../http/accepted-answer';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import { closedSignal } from '../http/closed-signal';
import { ReleaseIdParams, ReleaseListQuery, RequestReleaseBody } from './release.dto';
import { ReleaseDryRunView, ReleasePageView, ReleaseView } from './release.views';

@ApiTags('releases')
@Controller('api/v1/releases')
export class ReleasesController {
  constructor(
    private readonly intake: ReleaseIntakeService,
    private readonly lifecycle: ReleaseLifecycleService,
    private readonly queries: ReleaseQueries,
    private readonly ends: EndWatch,
  ) {}

  @Post()
  @Roles('ci')
  @ApiExtraModels(ReleaseDryRunView)
  @ApiOperation({
    summary: 'Promote a release: several images as one unit',
    description:
      "Every item is judged as its own promotion request would be (bound to a digest, planned, the target stage's " +
      'policy checked), all before anything is stored: one item not admitted refuses the whole release (409 ' +
      'RELEASE_NOT_READY, each refused item with its reasons). Accepted → 202: one promotion per item, copied in ' +
      'parallel into every registry of the target stage, and **no tag is written until every item landed in every ' +
      "target registry** — then the release commits, writing every item's tags. An item that fails fails the " +
      'release and cancels the others: no tag of any item is written. `dryRun: true` → 200 with every plan and ' +
      'verdict. Idempotency-Key as for promotions. Audited as `release.requested`; events `release.queued`, ' +
      '`release.succeeded`, `release.failed`.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1-255 printable ASCII characters, unique per request (e.g. the CI build id).',
  })
  @ApiAcceptedResponse({ type: ReleaseView, description: 'Accepted and queued.' })
  @ApiOkResponse({
    description: "dryRun: each item's plan and verdict.",
    schema: { $ref: getSchemaPath(ReleaseDryRunView) },
  })
  @ApiProblemResponse(
    400,
    'INVALID_INPUT: a bad field (`items[i].…` names the item), or an unknown stage.',
  )
  @ApiProblemResponse(
    404,
    "NOT_FOUND / REGISTRY_NOT_FOUND: an item's tag or digest is not in the source registry.",
  )
  @ApiProblemResponse(
    409,
    "RELEASE_NOT_READY: some items are not admitted; `items` lists each with its refusal. TAG_CONFLICT: an item's " +
      'tag is being promoted onto another digest by another promotion.',
  )
  @ApiProblemResponse(422, 'IDEMPOTENCY_KEY_REUSED: the key was used with another body.')
  @ApiProblemResponse(502, 'REGISTRY_*: a registry failed while planning.')
  async request(
    @Body() body: RequestReleaseBody,
    @CurrentActor() actor: AuditActor,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReleaseView | ReleaseDryRunView> {
    const answer = await this.intake.request(body, actor, idempotencyKey);
    return sendIntakeAnswer<ReleaseView, ReleaseDryRunView>(response, answer, '/api/v1/releases');
  }

  @Get()
  @ApiOperation({ summary: 'List releases', description: 'Newest first, keyset pages.' })
  @ApiOkResponse({ type: ReleasePageView })
  @ApiProblemResponse(400, 'INVALID_INPUT: a bad cursor or limit.')
  list(@Query() query: ReleaseListQuery): Promise<ReleasePageView> {
    return this.queries.list(query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Show a release',
    description:
      'Status, every item (a promotion, with progress per target registry), how many targets landed (`staged`), and ' +
      'the tags written so far (`tagsLanded`). `?wait=<seconds>` (at most 300): while the release is running ' +
      'or committing, answer when it ends or the seconds run out, whichever is first — the view then, whatever its ' +
      'status — so a CI job follows it with one call instead of polling the whole view.',
  })
  @ApiQuery({
    name: 'wait',
    required: false,
    type: Number,
    description: 'Seconds to wait for the end (0–300, default 0).',
  })
  @ApiOkResponse({ type: ReleaseView })
  @ApiProblemResponse(400, 'INVALID_INPUT: a bad id or wait.')
  @ApiProblemResponse(404, 'NOT_FOUND: no such release.')
  async show(
    @Param() params: ReleaseIdParams,
    @Query() query: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReleaseView> {
    const read = () => this.queries.show(params.id);
    return this.ends.answer('release', query, read, closedSignal(response));
  }

  @Post(':id/cancel')
  @Roles('ci', 'approver')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a running release',
    description:
      'Every active item is cancelled; no tag was written. A release that is committing (writing its tags) cannot be ' +
      'cancelled. Audited as `release.cancelled`.',
  })
  @ApiOkResponse({ type: ReleaseView })
  @ApiProblemResponse(404, 'NOT_FOUND: no such release.')
  @ApiProblemResponse(409, 'CONFLICT: the release is committing or finished.')
  cancel(
    @Param() params: ReleaseIdParams,
    @CurrentActor() actor: AuditActor,
  ): Promise<ReleaseView> {
    return this.lifecycle.cancel(params.id, actor);
  }

  @Post(':id/retry')
  @Roles('ci')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Retry a failed or cancelled release',
    description:
      'If every item had landed (the tag writes failed), the commit runs again. Otherwise every item is judged by the ' +
      'policy again and every failed or cancelled item is queued again; the release commits when all landed.',
  })
  @ApiAcceptedResponse({ type: ReleaseView })
  @ApiProblemResponse(404, 'NOT_FOUND: no such release.')
  @ApiProblemResponse(
    409,
    'CONFLICT: not failed or cancelled. RELEASE_NOT_READY: items the policy no longer admits.',
  )
  retry(@Param() params: ReleaseIdParams, @CurrentActor() actor: AuditActor): Promise<ReleaseView> {
    return this.lifecycle.retry(params.id, actor);
  }
}
