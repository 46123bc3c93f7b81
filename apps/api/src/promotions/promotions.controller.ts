import type { AuditActor } from '@airlock/audit';
import {
  EndWatch,
  PromotionIntakeService,
  PromotionLifecycleService,
  PromotionQueriesService,
} from '@airlock/promotions';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Roles } from '../auth/roles.decorator';
import { sendIntakeAnswer } from '../http/accepted-answer';
import { ApiProblemResponse } from '../http/api-problem-response.decorator';
import { closedSignal } from '../http/closed-signal';
import { streamPromotion } from './promotion-event-stream';
import { PromotionWatch } from './promotion-watch';
import { PromotionIdParams, PromotionListQuery, RequestPromotionBody } from './promotion.dto';
import { DryRunView, PromotionPageView, PromotionView } from './promotion.views';

@ApiTags('promotions')
@Controller('api/v1/promotions')
export class PromotionsController {
  constructor(
    private readonly intake: PromotionIntakeService,
    private readonly lifecycle: PromotionLifecycleService,
    private readonly queries: PromotionQueriesService,
    private readonly watch: PromotionWatch,
    private readonly ends: EndWatch,
  ) {}

  @Post()
  @Roles('ci')
  @ApiExtraModels(DryRunView)
  @ApiOperation({
    summary: 'Request a promotion',
    description:
      'Binds the promotion to a digest (a `tag` is resolved in the source registry now, once), plans the copy into every ' +
      "registry of the target stage (reads only) and checks the target stage's policy: required gates, approvals " +
      '(four-eyes: never by who registered the image or requests this promotion), allowed source stages, tag rules, ' +
      'required referrers. Met → 202 with the promotion, its plan and the evidence, and one queued copy job per target ' +
      'registry. `dryRun: true` → 200 with the plan and the verdict, nothing written. An image not registered yet is ' +
      'registered for the caller. With `Idempotency-Key`, the same key and body answer the first 202 again ' +
      '(`Idempotency-Replayed: true`); the same key with another body is refused (422). Refusals are not stored, so a ' +
      'request refused before its approval can be repeated with the same key. Audited as `promotion.requested`.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1-255 printable ASCII characters, unique per request (e.g. the CI build id).',
  })
  @ApiAcceptedResponse({ type: PromotionView, description: 'Accepted and queued.' })
  @ApiOkResponse({
    description: 'dryRun: the plan and the verdict.',
    schema: { $ref: getSchemaPath(DryRunView) },
  })
  @ApiProblemResponse(
    400,
    'INVALID_INPUT: a bad field, not exactly one of digest/tag, an unknown stage, or a sourceRegistry not in the source stage.',
  )
  @ApiProblemResponse(
    404,
    'NOT_FOUND: the tag does not exist. REGISTRY_NOT_FOUND: the digest is not in the source registry.',
  )
  @ApiProblemResponse(
    409,
    'POLICY_UNMET: the policy does not hold; `missing`, `failed` and `violations` say exactly why. ' +
      'TAG_CONFLICT: a requested tag already points at another digest in a target (immutable tags), or another active promotion is putting it on another digest; `conflicts` names each with both digests. ' +
      'CONFLICT: the target stage has no registries.',
  )
  @ApiProblemResponse(422, 'IDEMPOTENCY_KEY_REUSED: the key was used with another body.')
  @ApiProblemResponse(502, 'REGISTRY_*: a registry failed while planning.')
  async request(
    @Body() body: RequestPromotionBody,
    @CurrentActor() actor: AuditActor,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PromotionView | DryRunView> {
    const answer = await this.intake.request(body, actor, idempotencyKey);
    return sendIntakeAnswer<PromotionView, DryRunView>(response, answer, '/api/v1/promotions');
  }

  @Get()
  @ApiOperation({
    summary: 'List promotions',
    description: 'Newest first, keyset pages (`cursor` = the previous `nextCursor`).',
  })
  @ApiOkResponse({ type: PromotionPageView })
  @ApiProblemResponse(400, 'INVALID_INPUT: a bad filter, cursor or limit (the field is named).')
  list(@Query() query: PromotionListQuery): Promise<PromotionPageView> {
    return this.queries.list(query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Show a promotion',
    description:
      'Status (`queued → running → succeeded | failed | cancelled`), progress per target registry (bytes and blobs, ' +
      'written about once a second while copying), attempts, timestamps, the error code and message, the plan and the evidence. ' +
      '`?wait=<seconds>` (at most 300): while the promotion is queued or running, answer when it ends or the seconds run out, ' +
      'whichever is first — the view then, whatever its status — so a CI job follows it with one call instead of polling.',
  })
  @ApiQuery({
    name: 'wait',
    required: false,
    type: Number,
    description: 'Seconds to wait for the end (0–300, default 0).',
  })
  @ApiOkResponse({ type: PromotionView })
  @ApiProblemResponse(400, 'INVALID_INPUT: a bad id or wait.')
  @ApiProblemResponse(404, 'NOT_FOUND: no such promotion.')
  async show(
    @Param() params: PromotionIdParams,
    @Query() query: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PromotionView> {
    const read = () => this.queries.show(params.id);
    return this.ends.answer('promotion', query, read, closedSignal(response));
  }

  @Get(':id/events')
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary: 'Follow a promotion live (Server-Sent Events)',
    description:
      'A `text/event-stream`: first a `promotion` event with the view `GET /api/v1/promotions/{id}` answers, then one ' +
      'whenever it changes (progress, status, attempts; read about once a second), and when it is no longer queued or ' +
      'running an `end` event with the final view, after which the response ends. `: keep-alive` comments every 15 s; ' +
      'a stream ends after 30 min (reconnect). A bad or unknown id is a problem+json answer, not a stream. The web UI ' +
      "and the CLI's `promote --wait` follow promotions with it.",
  })
  @ApiOkResponse({
    description: 'The event stream (`event: promotion|end`, `data`: a PromotionView as JSON).',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiProblemResponse(404, 'NOT_FOUND: no such promotion.')
  async events(
    @Param() params: PromotionIdParams,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const first = await this.queries.show(params.id);
    streamPromotion(first, this.watch, request, response);
  }

  @Post(':id/cancel')
  @Roles('ci', 'approver')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a queued or running promotion',
    description:
      'Every unfinished target stops (a running copy at its next progress write, within about a second) and the tags ' +
      'are released. Tags are written last, so a cancelled copy never leaves a tag. Audited as `promotion.cancelled`.',
  })
  @ApiOkResponse({ type: PromotionView })
  @ApiProblemResponse(404, 'NOT_FOUND: no such promotion.')
  @ApiProblemResponse(409, 'CONFLICT: the promotion already finished.')
  cancel(
    @Param() params: PromotionIdParams,
    @CurrentActor() actor: AuditActor,
  ): Promise<PromotionView> {
    return this.lifecycle.cancel(params.id, actor);
  }

  @Post(':id/retry')
  @Roles('ci')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Retry a failed or cancelled promotion',
    description:
      'The policy is checked again (a gate may have failed since) and the tags claimed again; every target that did not ' +
      'succeed is queued under a new run number. Targets that landed stay landed. Audited as `promotion.retried`.',
  })
  @ApiAcceptedResponse({ type: PromotionView })
  @ApiProblemResponse(404, 'NOT_FOUND: no such promotion.')
  @ApiProblemResponse(
    409,
    'CONFLICT: the promotion is not failed or cancelled. POLICY_UNMET / TAG_CONFLICT as for a request.',
  )
  retry(
    @Param() params: PromotionIdParams,
    @CurrentActor() actor: AuditActor,
  ): Promise<PromotionView> {
    return this.lifecycle.retry(params.id, actor);
  }
}
