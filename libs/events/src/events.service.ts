import {
  WebhookAfterCommit,
  WebhookDeliveryRepository,
  type NewWebhookEvent,
  type Transaction,
} from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { buildEnvelope, envelopeToSerialise, type EventEnvelope } from './event-envelope';
import type { EventType } from './event-types';
import { WebhookJobs } from './webhook-jobs';

/**
 * Publishes Airlock's events to webhook subscriptions as a transactional outbox: the delivery
 * rows are written in the caller's transaction, so an event goes out only if its change
 * committed; their queue jobs are added after the commit.
 */
@Injectable()
export class EventsService {
  constructor(
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly afterCommit: WebhookAfterCommit,
    private readonly jobs: WebhookJobs,
  ) {}

  /**
   * One pending delivery per enabled subscription that wants `type` (matched in the same
   * statement). `data` must hold no secret.
   */
  async publish(type: EventType, data: unknown, tx: Transaction): Promise<EventEnvelope> {
    const envelope = buildEnvelope(type, data);
    const ids = await this.deliveries.insertForSubscribers(this.outgoing(envelope), tx);
    this.deliverAfterCommit(tx, ids);
    return envelope;
  }

  /**
   * The event `publish` would write, for statements that write its deliveries themselves along
   * with the change; `dataKey` names where the envelope carries `data`.
   */
  prepare(type: EventType, data: unknown): NewWebhookEvent & { dataKey: 'data' } {
    // Serialised once, as the statement's parameter, and not handed back: buildEnvelope's JSON
    // round trip (which makes a returned envelope what was stored) would be spent for nothing.
    return { ...this.outgoing(envelopeToSerialise(type, data)), dataKey: 'data' };
  }

  private outgoing(envelope: EventEnvelope): NewWebhookEvent {
    return { eventId: envelope.id, eventType: envelope.type, payload: { ...envelope } };
  }

  /** Queues the deliveries `ids` once `tx` has committed (nothing if it rolls back). */
  deliverAfterCommit(tx: Transaction, ids: string[]): void {
    if (ids.length === 0) return;
    this.afterCommit.register(tx, () => void this.jobs.enqueueAfterCommit(ids));
  }
}
