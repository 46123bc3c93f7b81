import { AirlockError } from '@airlock/errors';
import { randomBytes } from 'node:crypto';
import { ALL_EVENTS, EVENT_TYPES, isEventType } from './event-types';

export const WEBHOOK_SECRET_MIN_LENGTH = 16;
export const WEBHOOK_SECRET_MAX_LENGTH = 256;
export const WEBHOOK_URL_MAX_LENGTH = 2048;
export const DELIVERY_PAGE_LIMIT = { default: 50, max: 200 } as const;

export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

/** An absolute http(s) URL; anything else is a problem naming `url`. */
export function checkWebhookUrl(url: string): FieldProblem[] {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (url.length > WEBHOOK_URL_MAX_LENGTH || !parsed || !/^https?:$/.test(parsed.protocol)) {
    return [
      {
        field: 'url',
        rule: 'httpUrl',
        message: `url must be an absolute http:// or https:// URL of at most ${WEBHOOK_URL_MAX_LENGTH} characters`,
      },
    ];
  }
  return [];
}

/** At least one type; each a known type or `*`. */
export function checkEventTypes(events: readonly string[]): FieldProblem[] {
  if (events.length === 0)
    return [{ field: 'events', rule: 'notEmpty', message: 'events must name at least one type' }];
  return events.flatMap((type, i) =>
    type === ALL_EVENTS || isEventType(type)
      ? []
      : [
          {
            field: `events[${i}]`,
            rule: 'eventType',
            message: `events[${i}]: "${type}" is not an event type (known: ${EVENT_TYPES.join(', ')}, or "*" for all)`,
          },
        ],
  );
}

export function checkWebhookSecret(secret: string): FieldProblem[] {
  return secret.length < WEBHOOK_SECRET_MIN_LENGTH || secret.length > WEBHOOK_SECRET_MAX_LENGTH
    ? [
        {
          field: 'secret',
          rule: 'length',
          message: `secret must be ${WEBHOOK_SECRET_MIN_LENGTH}-${WEBHOOK_SECRET_MAX_LENGTH} characters`,
        },
      ]
    : [];
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

export function throwIfInvalid(problems: FieldProblem[]): void {
  if (problems.length === 0) return;
  throw new AirlockError('INVALID_INPUT', problems.map((p) => p.message).join('; '), {
    details: { errors: problems },
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function checkUuid(id: string, field: string, what: string): string {
  throwIfInvalid(
    UUID.test(id) ? [] : [{ field, rule: 'uuid', message: `${field} must be ${what} (a UUID)` }],
  );
  return id;
}
