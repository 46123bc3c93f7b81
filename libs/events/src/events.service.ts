import type { Sql, Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { buildEnvelope, type EventEnvelope } from './event-envelope';
import type { EventType } from './event-types';
import { WebhookDeliveryRepository, type EventLink } from './webhook-delivery.repository';
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
    private readonly jobs: WebhookJobs,
  ) {}

  /**
   * One pending delivery per enabled subscription that wants `type` (matched in the same
   * statement, `outboxInsert`). `data` must hold no secret.
   */
  async publish(type: EventType, data: unknown, tx: Transaction): Promise<EventEnvelope> {
    const envelope = buildEnvelope(type, data);
    const ids = await this.deliveries.insertForSubscribers(this.outboxInsert(envelope), tx);
    this.deliverAfterCommit(tx, ids);
    return envelope;
  }

  /**
   * The outbox write of one event — its deliveries to every subscription that wants it — as a
   * statement piece (no RETURNING): what `publish` runs, and what a statement writing the change
   * itself embeds, `link` naming what only that statement knows (fields of `data`). Such a
   * statement returns the deliveries' ids and hands them to `deliverAfterCommit`.
   */
  outboxInsert(envelope: EventEnvelope, link?: EventLink): Sql {
    return this.deliveries.outbox(envelope, link);
  }

  /** Queues the deliveries `ids` once `tx` has committed (nothing if it rolls back). */
  deliverAfterCommit(tx: Transaction, ids: string[]): void {
    if (ids.length === 0) return;
    tx.afterCommit(() => void this.jobs.enqueueAfterCommit(ids));
  }
}
