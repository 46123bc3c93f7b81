import {
  WebhookAfterCommit,
  WebhookDeliveryRepository,
  WebhookSubscriptionRepository,
  type Transaction,
} from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { buildEnvelope, type EventEnvelope } from './event-envelope';
import { wantsEvent, type EventType } from './event-types';
import { WebhookJobs } from './webhook-jobs';

/**
 * Publishes Airlock's events to webhook subscriptions as a transactional outbox: the delivery
 * rows are written in the caller's transaction, so an event goes out only if its change
 * committed; their queue jobs are added after the commit.
 */
@Injectable()
export class EventsService {
  constructor(
    private readonly subscriptions: WebhookSubscriptionRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly afterCommit: WebhookAfterCommit,
    private readonly jobs: WebhookJobs,
  ) {}

  /** One pending delivery per enabled subscription that wants `type`. `data` must hold no secret. */
  async publish(type: EventType, data: unknown, tx: Transaction): Promise<EventEnvelope> {
    const envelope = buildEnvelope(type, data);
    const subscribers = (await this.subscriptions.enabled(tx)).filter((s) =>
      wantsEvent(s.events, type),
    );
    if (subscribers.length === 0) return envelope;
    const ids = await this.deliveries.insertMany(
      subscribers.map((s) => ({
        subscriptionId: s.id,
        eventId: envelope.id,
        eventType: type,
        payload: { ...envelope },
      })),
      tx,
    );
    this.afterCommit.register(tx, () => void this.jobs.enqueueAfterCommit(ids));
    return envelope;
  }
}
