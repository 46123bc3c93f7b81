import type { AuditActor } from '@airlock/audit';
import { WebhooksService } from '@airlock/events';
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
  CreateWebhookBody,
  DeliveryIdParams,
  DeliveryListQuery,
  UpdateWebhookBody,
  WebhookIdParams,
} from './webhook.dto';
import {
  CreatedWebhookView,
  DeliveryPageView,
  DeliveryView,
  WebhookListView,
  WebhookView,
} from './webhook.views';

@ApiTags('webhooks')
@Roles('admin')
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({
    summary: 'Subscribe a URL to events',
    description:
      'Each event of the chosen types is POSTed to `url` as JSON, signed with `Airlock-Signature` ' +
      '(see docs/webhooks.md). The secret is sealed with AIRLOCK_SECRET_KEY; when omitted Airlock generates one and ' +
      'answers it in this 201 only. Audited as `webhook.created`.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookView })
  @ApiProblemResponse(400, 'INVALID_INPUT: a bad url, an unknown event type, a short secret.')
  @ApiProblemResponse(409, 'NOT_CONFIGURED: AIRLOCK_SECRET_KEY is not set.')
  create(
    @Body() body: CreateWebhookBody,
    @CurrentActor() actor: AuditActor,
  ): Promise<CreatedWebhookView> {
    return this.webhooks.create(body, actor);
  }

  @Get()
  @ApiOperation({ summary: 'List webhook subscriptions', description: 'Never a secret.' })
  @ApiOkResponse({ type: WebhookListView })
  async list(): Promise<WebhookListView> {
    return { items: await this.webhooks.list() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Show a webhook subscription' })
  @ApiOkResponse({ type: WebhookView })
  @ApiProblemResponse(404, 'NOT_FOUND: no such webhook.')
  show(@Param() params: WebhookIdParams): Promise<WebhookView> {
    return this.webhooks.show(params.id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a webhook subscription',
    description:
      'Fields left out stay; `events` is replaced whole; `secret` rotates the secret (deliveries still pending are ' +
      'signed with the new one). Audited as `webhook.updated`.',
  })
  @ApiOkResponse({ type: WebhookView })
  @ApiProblemResponse(400, 'INVALID_INPUT: a field breaks a rule, or an unknown field.')
  @ApiProblemResponse(404, 'NOT_FOUND: no such webhook.')
  @ApiProblemResponse(409, 'NOT_CONFIGURED: a secret given but AIRLOCK_SECRET_KEY is not set.')
  update(
    @Param() params: WebhookIdParams,
    @Body() body: UpdateWebhookBody,
    @CurrentActor() actor: AuditActor,
  ): Promise<WebhookView> {
    return this.webhooks.update(params.id, body, actor);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a webhook subscription',
    description: 'Its delivery log goes with it. Audited as `webhook.deleted`.',
  })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblemResponse(404, 'NOT_FOUND: no such webhook.')
  async delete(@Param() params: WebhookIdParams, @CurrentActor() actor: AuditActor): Promise<void> {
    await this.webhooks.delete(params.id, actor);
  }

  @Get(':id/deliveries')
  @ApiOperation({
    summary: 'The delivery log of a webhook',
    description:
      'Newest first, keyset pages (`cursor` = the previous `nextCursor`); filters `status` and `eventType`. ' +
      'Each delivery: status (`pending → delivered | failed`), attempts, the last status code, error and response ' +
      'time, timestamps and the payload sent.',
  })
  @ApiOkResponse({ type: DeliveryPageView })
  @ApiProblemResponse(400, 'INVALID_INPUT: a bad filter, cursor or limit.')
  @ApiProblemResponse(404, 'NOT_FOUND: no such webhook.')
  deliveries(
    @Param() params: WebhookIdParams,
    @Query() query: DeliveryListQuery,
  ): Promise<DeliveryPageView> {
    return this.webhooks.deliveriesOf(params.id, query);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a delivery again',
    description:
      'A new delivery (its own attempts and retries) with the same event id and payload, signed afresh. ' +
      'Audited as `webhook.redelivered`.',
  })
  @ApiAcceptedResponse({ type: DeliveryView })
  @ApiProblemResponse(404, 'NOT_FOUND: no such webhook, or no such delivery of it.')
  @ApiProblemResponse(
    409,
    'CONFLICT: the delivery is still pending, or the webhook is disabled. NOT_CONFIGURED as for creation.',
  )
  redeliver(
    @Param() params: DeliveryIdParams,
    @CurrentActor() actor: AuditActor,
  ): Promise<DeliveryView> {
    return this.webhooks.redeliver(params.id, params.deliveryId, actor);
  }
}
