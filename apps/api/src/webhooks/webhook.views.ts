import {
  EVENT_TYPES,
  WEBHOOK_DELIVERY_STATUSES,
  type CreatedWebhookView as CreatedWebhook,
  type DeliveryPage,
  type DeliveryView as Delivery,
  type WebhookDeliveryStatus,
  type WebhookView as Webhook,
} from '@airlock/events';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The answers' documents: the compiler holds each to its lib view. */
export class WebhookView implements Webhook {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'https://ci.example.com/hooks/airlock' })
  url!: string;
  @ApiProperty({ type: [String], example: ['image.registered', 'promotion.succeeded'] })
  events!: string[];
  @ApiProperty()
  enabled!: boolean;
  @ApiProperty({ enum: [true], description: 'A secret is stored (sealed); it is never shown.' })
  secretSet!: true;
  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: Date;
}

export class CreatedWebhookView extends WebhookView implements CreatedWebhook {
  @ApiPropertyOptional({
    example: 'whsec_3q2-7wEXAMPLEj8aYt1lHc0m9bC3xKx7nWv1c2b3d4e5',
    description:
      'Only when the request omitted `secret`: the generated secret, shown this once. Store it now.',
  })
  secret?: string;
}

export class WebhookListView {
  @ApiProperty({ type: [WebhookView], description: 'Oldest first.' })
  items!: WebhookView[];
}

export class DeliveryView implements Delivery {
  @ApiProperty({ format: 'uuid', description: 'Sent as `Airlock-Delivery`.' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  subscriptionId!: string;
  @ApiProperty({ format: 'uuid', description: 'The event id: the same on a redelivery.' })
  eventId!: string;
  @ApiProperty({ enum: EVENT_TYPES })
  eventType!: string;
  @ApiProperty({ enum: WEBHOOK_DELIVERY_STATUSES })
  status!: WebhookDeliveryStatus;
  @ApiProperty({ description: 'POSTs made so far.' })
  attempts!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'The last HTTP status received.' })
  lastStatusCode!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'HTTP 500 Internal Server Error' })
  lastError!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'How long the last attempt took.' })
  responseMs!: number | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true })
  redeliveryOf!: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;
  @ApiProperty({ format: 'date-time', type: String, nullable: true })
  lastAttemptAt!: Date | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true })
  deliveredAt!: Date | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The event envelope sent as the body: `{id, type, occurredAt, data}`.',
  })
  payload!: Record<string, unknown>;
}

export class DeliveryPageView implements DeliveryPage {
  @ApiProperty({ type: [DeliveryView], description: 'Newest first.' })
  items!: DeliveryView[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
