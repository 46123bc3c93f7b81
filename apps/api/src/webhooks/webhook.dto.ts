import {
  ALL_EVENTS,
  DELIVERY_PAGE_LIMIT,
  EVENT_TYPES,
  WEBHOOK_SECRET_MAX_LENGTH,
  WEBHOOK_SECRET_MIN_LENGTH,
  WEBHOOK_URL_MAX_LENGTH,
} from '@airlock/events';
import { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryStatus } from '@airlock/persistence';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

const EVENT_CHOICES = [...EVENT_TYPES, ALL_EVENTS];
const EVENTS_MESSAGE = `each of events must be one of ${EVENT_CHOICES.join(', ')}`;
const URL_OPTIONS = {
  protocols: ['http', 'https'],
  require_protocol: true,
  require_tld: false,
};
const URL_MESSAGE = 'url must be an absolute http:// or https:// URL';
const SECRET_MESSAGE = `secret must be ${WEBHOOK_SECRET_MIN_LENGTH}-${WEBHOOK_SECRET_MAX_LENGTH} characters`;

export class CreateWebhookBody {
  @ApiProperty({
    example: 'https://ci.example.com/hooks/airlock',
    maxLength: WEBHOOK_URL_MAX_LENGTH,
  })
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  url!: string;

  @ApiProperty({
    type: [String],
    enum: EVENT_CHOICES,
    example: ['image.registered', 'promotion.succeeded'],
    description: 'Event types to receive; `"*"` receives every type, including later ones.',
  })
  @IsArray({ message: 'events must be an array of event types' })
  @ArrayMinSize(1, { message: 'events must name at least one type' })
  @ArrayMaxSize(EVENT_CHOICES.length * 2)
  @IsIn(EVENT_CHOICES, { each: true, message: EVENTS_MESSAGE })
  events!: string[];

  @ApiPropertyOptional({
    minLength: WEBHOOK_SECRET_MIN_LENGTH,
    maxLength: WEBHOOK_SECRET_MAX_LENGTH,
    writeOnly: true,
    description:
      'The HMAC key of `Airlock-Signature`. Omitted → Airlock generates one and answers it in this 201 only. ' +
      'Sealed with AIRLOCK_SECRET_KEY; never returned afterwards, logged or audited.',
  })
  @IsOptional()
  @IsString()
  @Length(WEBHOOK_SECRET_MIN_LENGTH, WEBHOOK_SECRET_MAX_LENGTH, { message: SECRET_MESSAGE })
  secret?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

export class UpdateWebhookBody {
  @ApiPropertyOptional({ example: 'https://ci.example.com/hooks/airlock' })
  @IsOptional()
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  url?: string;

  @ApiPropertyOptional({ type: [String], enum: EVENT_CHOICES, description: 'Replaces the list.' })
  @IsOptional()
  @IsArray({ message: 'events must be an array of event types' })
  @ArrayMinSize(1, { message: 'events must name at least one type' })
  @ArrayMaxSize(EVENT_CHOICES.length * 2)
  @IsIn(EVENT_CHOICES, { each: true, message: EVENTS_MESSAGE })
  events?: string[];

  @ApiPropertyOptional({
    minLength: WEBHOOK_SECRET_MIN_LENGTH,
    maxLength: WEBHOOK_SECRET_MAX_LENGTH,
    writeOnly: true,
    description: 'A new secret (rotation); later attempts are signed with it. Never returned.',
  })
  @IsOptional()
  @IsString()
  @Length(WEBHOOK_SECRET_MIN_LENGTH, WEBHOOK_SECRET_MAX_LENGTH, { message: SECRET_MESSAGE })
  secret?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;
}

export class WebhookIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a webhook id (a UUID)' })
  id!: string;
}

export class DeliveryIdParams extends WebhookIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'deliveryId must be a delivery id (a UUID)' })
  deliveryId!: string;
}

export class DeliveryListQuery {
  @ApiPropertyOptional({ enum: WEBHOOK_DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(WEBHOOK_DELIVERY_STATUSES, {
    message: `status must be one of ${WEBHOOK_DELIVERY_STATUSES.join(', ')}`,
  })
  status?: WebhookDeliveryStatus;

  @ApiPropertyOptional({ enum: EVENT_TYPES, example: 'promotion.succeeded' })
  @IsOptional()
  @IsIn(EVENT_TYPES, { message: `eventType must be one of ${EVENT_TYPES.join(', ')}` })
  eventType?: string;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page (opaque).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: DELIVERY_PAGE_LIMIT.max,
    default: DELIVERY_PAGE_LIMIT.default,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(DELIVERY_PAGE_LIMIT.max)
  limit?: number;
}
