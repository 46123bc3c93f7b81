import {
  fieldProblem,
  readInput,
  readQuery,
  type FieldProblem,
  type StringOptions,
} from '@airlock/validation';
import { randomBytes } from 'node:crypto';
import { ALL_EVENTS, EVENT_TYPES } from './event-types';
import {
  WEBHOOK_DELIVERY_STATUSES,
  type WebhookDeliveryStatus,
} from './webhook-delivery.repository';

export const WEBHOOK_SECRET_MIN_LENGTH = 16;
export const WEBHOOK_SECRET_MAX_LENGTH = 256;
export const WEBHOOK_URL_MAX_LENGTH = 2048;
export const DELIVERY_PAGE_LIMIT = { default: 50, max: 200 } as const;
export const DELIVERY_CURSOR_MAX_LENGTH = 200;
/** What a subscription's `events` may name: every type, or `*` for all (those added later too). */
export const EVENT_CHOICES: readonly string[] = [...EVENT_TYPES, ALL_EVENTS];
/** Each choice at most twice: repeats are dropped when stored (normalizeEvents), not refused. */
export const MAX_EVENTS = EVENT_CHOICES.length * 2;

export interface NewWebhookRequest {
  url: string;
  events: string[];
  /** Omitted → generated and answered once. */
  secret?: string;
  enabled?: boolean;
}

export type WebhookUpdateRequest = Partial<NewWebhookRequest>;

export interface DeliveryListFilters {
  status?: WebhookDeliveryStatus;
  eventType?: string;
  cursor?: string;
  limit: number;
}

const URL_FIELD: StringOptions = { maxLength: WEBHOOK_URL_MAX_LENGTH, check: urlProblem };
const SECRET_FIELD: StringOptions = {
  minLength: WEBHOOK_SECRET_MIN_LENGTH,
  maxLength: WEBHOOK_SECRET_MAX_LENGTH,
};
const EVENTS_FIELD = { minItems: 1, maxItems: MAX_EVENTS };
const EVENT_ITEM: StringOptions = { oneOf: EVENT_CHOICES };

export function readNewWebhook(input: unknown): NewWebhookRequest {
  return readInput(input, (r) => ({
    url: r.string('url', { required: true, ...URL_FIELD })!,
    events: r.strings('events', { required: true, ...EVENTS_FIELD }, EVENT_ITEM)!,
    secret: r.string('secret', SECRET_FIELD),
    enabled: r.boolean('enabled'),
  }));
}

/** Fields left out stay as they are; `events` replaces the list. */
export function readWebhookUpdate(input: unknown): WebhookUpdateRequest {
  return readInput(input, (r) => ({
    url: r.string('url', URL_FIELD),
    events: r.strings('events', EVENTS_FIELD, EVENT_ITEM),
    secret: r.string('secret', SECRET_FIELD),
    enabled: r.boolean('enabled'),
  }));
}

/** The delivery log's filters as the query string gives them. */
export function readDeliveryQuery(query: unknown): DeliveryListFilters {
  return readQuery(query, (r) => ({
    status: r.string('status', { oneOf: WEBHOOK_DELIVERY_STATUSES }) as
      WebhookDeliveryStatus | undefined,
    eventType: r.string('eventType', { oneOf: EVENT_TYPES }),
    cursor: r.string('cursor', { maxLength: DELIVERY_CURSOR_MAX_LENGTH }),
    limit:
      r.integer('limit', { min: 1, max: DELIVERY_PAGE_LIMIT.max }) ?? DELIVERY_PAGE_LIMIT.default,
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A path parameter naming a webhook or a delivery: a UUID, or a 400 naming `field`. */
export function checkUuid(id: unknown, field: string, what: string): string {
  return readQuery(id === undefined ? {} : { [field]: id }, (r) =>
    r.string(field, {
      required: true,
      check: (value) =>
        UUID.test(value)
          ? undefined
          : fieldProblem(field, 'uuid', `${field} must be ${what} (a UUID)`),
    }),
  )!;
}

/** An absolute http(s) URL. */
function urlProblem(url: string, field: string): FieldProblem | undefined {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  return parsed && /^https?:$/.test(parsed.protocol)
    ? undefined
    : fieldProblem(field, 'url', `${field} must be an absolute http:// or https:// URL`);
}

/** The stored form of `events`: without duplicates, `*` alone when present. */
export function normalizeEvents(events: readonly string[]): string[] {
  return events.includes(ALL_EVENTS) ? [ALL_EVENTS] : [...new Set(events)];
}

/** 32 random bytes, prefixed so a leaked one is recognisable. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Bound as associated data: a sealed secret copied to another subscription's row fails to open. */
export function secretContext(subscriptionId: string): string {
  return `webhook:${subscriptionId}:secret`;
}
