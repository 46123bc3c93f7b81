import { randomUUID } from 'node:crypto';
import type { EventType } from './event-types';

/** What a receiver gets as the request body: the same for every subscription and every attempt. */
export interface EventEnvelope {
  id: string;
  type: EventType;
  /** ISO 8601, when the change was made (not when it was delivered). */
  occurredAt: string;
  data: unknown;
}

export function buildEnvelope(type: EventType, data: unknown, now = new Date()): EventEnvelope {
  // Through JSON once: dates become strings now, so every delivery sends exactly what was stored.
  return envelopeToSerialise(type, JSON.parse(JSON.stringify(data ?? null)) as unknown, now);
}

/** An envelope whose `data` is used as given: for one that is serialised at once and not kept. */
export function envelopeToSerialise(
  type: EventType,
  data: unknown,
  now = new Date(),
): EventEnvelope {
  return { id: randomUUID(), type, occurredAt: now.toISOString(), data: data ?? null };
}

/**
 * The request body of a stored envelope. jsonb keeps its keys in its own order; this puts them
 * back in the documented one so bodies read well (the signature covers whatever is sent).
 */
export function envelopeBody(stored: Record<string, unknown>): string {
  const { id, type, occurredAt, data } = stored;
  return JSON.stringify({ id, type, occurredAt, data });
}
