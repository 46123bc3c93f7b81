/**
 * Every event type Airlock publishes. `mirror.synced` and `base-image.updated` are reserved for
 * mirroring and drift: subscriptions may name them already and receive them once those land.
 */
export const EVENT_TYPES = [
  'image.registered',
  'gate.recorded',
  'promotion.queued',
  'promotion.succeeded',
  'promotion.failed',
  'release.queued',
  'release.succeeded',
  'release.failed',
  'mirror.synced',
  'base-image.updated',
  'integrity.violation',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** In a subscription's `events`: every type, including those added later. */
export const ALL_EVENTS = '*';

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** Whether a subscription listening to `events` receives an event of `type`. */
export function wantsEvent(events: readonly string[], type: string): boolean {
  return events.includes(ALL_EVENTS) || events.includes(type);
}
