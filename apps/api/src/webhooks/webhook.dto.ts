import {
  DELIVERY_CURSOR_MAX_LENGTH,
  DELIVERY_PAGE_LIMIT,
  EVENT_CHOICES,
  EVENT_TYPES,
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_SECRET_MAX_LENGTH,
  WEBHOOK_SECRET_MIN_LENGTH,
  WEBHOOK_URL_MAX_LENGTH,
  type WebhookDeliveryStatus,
} from '@airlock/events';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The documents of the webhook routes' inputs; WebhooksService reads and checks them. */
export class CreateWebhookBody {
  @ApiProperty({
    example: 'https://ci.example.com/hooks/airlock',
    maxLength: WEBHOOK_URL_MAX_LENGTH,
  })
  url!: string;

  @ApiProperty({
    type: [String],
    enum: EVENT_CHOICES,
    example: ['image.registered', 'promotion.succeeded'],
    description: 'Event types to receive; `"*"` receives every type, including later ones.',
  })
  events!: string[];

  @ApiPropertyOptional({
    minLength: WEBHOOK_SECRET_MIN_LENGTH,
    maxLength: WEBHOOK_SECRET_MAX_LENGTH,
    writeOnly: true,
    description:
      'The HMAC key of `Airlock-Signature`. Omitted → Airlock generates one and answers it in this 201 only. ' +
      'Sealed with AIRLOCK_SECRET_KEY; never returned afterwards, logged or audited.',
  })
  secret?: string;

  @ApiPropertyOptional({ default: true })
  enabled?: boolean;
}

export class UpdateWebhookBody {
  @ApiPropertyOptional({ example: 'https://ci.example.com/hooks/airlock' })
  url?: string;

  @ApiPropertyOptional({ type: [String], enum: EVENT_CHOICES, description: 'Replaces the list.' })
  events?: string[];

  @ApiPropertyOptional({
    minLength: WEBHOOK_SECRET_MIN_LENGTH,
    maxLength: WEBHOOK_SECRET_MAX_LENGTH,
    writeOnly: true,
    description: 'A new secret (rotation); later attempts are signed with it. Never returned.',
  })
  secret?: string;

  @ApiPropertyOptional()
  enabled?: boolean;
}

export class WebhookIdParams {
  @ApiProperty({ format: 'uuid' })
  id!: string;
}

export class DeliveryIdParams extends WebhookIdParams {
  @ApiProperty({ format: 'uuid' })
  deliveryId!: string;
}

export class DeliveryListQuery {
  @ApiPropertyOptional({ enum: WEBHOOK_DELIVERY_STATUSES })
  status?: WebhookDeliveryStatus;

  @ApiPropertyOptional({ enum: EVENT_TYPES, example: 'promotion.succeeded' })
  eventType?: string;

  @ApiPropertyOptional({
    description: 'The nextCursor of the previous page (opaque).',
    maxLength: DELIVERY_CURSOR_MAX_LENGTH,
  })
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: DELIVERY_PAGE_LIMIT.max,
    default: DELIVERY_PAGE_LIMIT.default,
  })
  limit?: number;
}
