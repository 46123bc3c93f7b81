import type { WebhookDeliveryRow, WebhookDeliveryStatus } from './webhook-delivery.repository';
import type { WebhookSubscriptionRow } from './webhook-subscription.repository';

/** A subscription as the API shows it: never the secret, only that one is set. */
export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  secretSet: true;
  createdAt: Date;
  updatedAt: Date;
}

/** The 201 of a creation: with `secret` only when Airlock generated it (shown this once). */
export type CreatedWebhookView = WebhookView & { secret?: string };

export interface DeliveryView {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  responseMs: number | null;
  /** The delivery this one repeats, for a redelivery. */
  redeliveryOf: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  /** The event envelope sent as the body. */
  payload: Record<string, unknown>;
}

export interface DeliveryPage {
  items: DeliveryView[];
  nextCursor: string | null;
}

export function toWebhookView(row: WebhookSubscriptionRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    enabled: row.enabled,
    secretSet: true,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toDeliveryView(row: WebhookDeliveryRow): DeliveryView {
  return {
    id: row.id,
    subscriptionId: row.subscriptionId,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    responseMs: row.responseMs,
    redeliveryOf: row.redeliveryOf,
    createdAt: row.createdAt,
    lastAttemptAt: row.lastAttemptAt,
    deliveredAt: row.deliveredAt,
    payload: row.payload,
  };
}
