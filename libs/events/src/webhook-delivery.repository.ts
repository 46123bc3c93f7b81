import type { KeysetPosition } from '@airlock/validation';
import {
  columns,
  Database,
  join,
  json,
  raw,
  sql,
  type Sql,
  type Transaction,
} from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from './event-envelope';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One `webhook_deliveries` row: one event for one subscription, and how sending it went. */
export interface WebhookDeliveryRow {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  /** The event envelope as sent: `{id, type, occurredAt, data}`. */
  payload: Record<string, unknown>;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  responseMs: number | null;
  redeliveryOf: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  /** created_at as Postgres prints it (microseconds kept): half of the keyset cursor. */
  createdAtKey: string;
}

/** A delivery with what sending it needs from its subscription. */
export interface WebhookDeliveryTarget extends WebhookDeliveryRow {
  url: string;
  secretCiphertext: Buffer;
  enabled: boolean;
}

/** The result of one attempt; `status` stays `pending` while retries remain. */
export interface WebhookAttempt {
  status: WebhookDeliveryStatus;
  statusCode: number | null;
  error: string | null;
  responseMs: number | null;
}

export interface WebhookDeliveryQuery {
  subscriptionId: string;
  status?: WebhookDeliveryStatus;
  eventType?: string;
  before?: KeysetPosition;
  limit: number;
}

/**
 * What a statement that embeds the outbox insert knows and its caller does not yet: the rows it
 * reads (`from`, e.g. a CTE over the change it makes) and a jsonb object over them merged into the
 * event's `data` (the new row's id and time).
 */
export interface EventLink {
  from: Sql;
  addToData: Sql;
}

const DELIVERY = {
  id: 'd.id',
  subscriptionId: 'd.subscription_id',
  eventId: 'd.event_id',
  eventType: 'd.event_type',
  payload: 'd.payload',
  status: 'd.status',
  attempts: 'd.attempts',
  lastStatusCode: 'd.last_status_code',
  lastError: 'd.last_error',
  responseMs: 'd.response_ms',
  redeliveryOf: 'd.redelivery_of',
  createdAt: 'd.created_at',
  lastAttemptAt: 'd.last_attempt_at',
  deliveredAt: 'd.delivered_at',
  createdAtKey: 'd.created_at::text',
} as const;
const DELIVERY_COLUMNS = columns<WebhookDeliveryRow>(DELIVERY);
const TARGET_COLUMNS = columns<WebhookDeliveryTarget>({
  ...DELIVERY,
  url: 's.url',
  secretCiphertext: 's.secret_ciphertext',
  enabled: 's.enabled',
});

const NOTHING = raw('');

/** `webhook_deliveries`: the only reader and writer. The rules (who gets what, retries) are EventsService's and WebhookDeliverer's. */
@Injectable()
export class WebhookDeliveryRepository {
  constructor(private readonly db: Database) {}

  /**
   * The outbox write of one event, as a piece (no RETURNING): one pending delivery per enabled
   * subscription whose events hold `*` or the type (wantsEvent's rule, in SQL so the match and
   * the insert are one statement). `insertForSubscribers` runs it; a statement that makes the
   * change embeds it with `link`.
   */
  outbox(envelope: EventEnvelope, link?: EventLink): Sql {
    const { data, ...head } = envelope;
    const payload = link
      ? sql`${json(head)} || jsonb_build_object('data', ${json(data)} || ${link.addToData})`
      : json(envelope);
    return sql`INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, payload, status)
      SELECT s.id, ${envelope.id}::uuid, ${envelope.type}::text, ${payload}, 'pending'
        FROM ${link ? sql`${link.from}, ` : NOTHING}webhook_subscriptions s
       WHERE s.enabled AND s.events && ARRAY['*', ${envelope.type}::text]`;
  }

  /** Runs an `outbox` piece in the caller's transaction; answers the deliveries' ids. */
  async insertForSubscribers(outbox: Sql, tx: Transaction): Promise<string[]> {
    const rows = await this.db.rows<{ id: string }>(sql`${outbox} RETURNING id`, tx);
    return rows.map((row) => row.id);
  }

  /**
   * A new pending delivery repeating `originalId` for the same subscription: same event id and
   * payload, its own attempts. Answers its id.
   */
  async insertRedelivery(originalId: string, tx: Transaction): Promise<string> {
    const row = await this.db.one<{ id: string }>(
      sql`INSERT INTO webhook_deliveries
            (subscription_id, event_id, event_type, payload, redelivery_of, status)
          SELECT subscription_id, event_id, event_type, payload, id, 'pending'
            FROM webhook_deliveries WHERE id = ${originalId}::uuid
          RETURNING id`,
      tx,
    );
    return row!.id;
  }

  find(id: string, tx?: Transaction): Promise<WebhookDeliveryRow | null> {
    return this.db.one<WebhookDeliveryRow>(
      sql`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.id = ${id}::uuid`,
      tx,
    );
  }

  /** The delivery joined with its subscription's url, sealed secret and switch. */
  findTarget(id: string): Promise<WebhookDeliveryTarget | null> {
    return this.db.one<WebhookDeliveryTarget>(
      sql`SELECT ${TARGET_COLUMNS}
            FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
           WHERE d.id = ${id}::uuid`,
    );
  }

  /**
   * Records one attempt on a pending delivery (attempts + 1). A delivery that is no longer pending
   * is left alone: answers false.
   */
  async recordAttempt(id: string, attempt: WebhookAttempt): Promise<boolean> {
    const touched = await this.db.run(
      sql`UPDATE webhook_deliveries
             SET status = ${attempt.status}, attempts = attempts + 1,
                 last_status_code = ${attempt.statusCode}::integer, last_error = ${attempt.error}::text,
                 response_ms = ${attempt.responseMs}::integer, last_attempt_at = clock_timestamp(),
                 updated_at = clock_timestamp(),
                 delivered_at = CASE WHEN ${attempt.status === 'delivered'}::boolean
                                     THEN clock_timestamp() ELSE delivered_at END
           WHERE id = ${id}::uuid AND status = 'pending'`,
    );
    return touched > 0;
  }

  /** Fails a pending delivery without an attempt (the queue gave up on it, or it cannot be sent). */
  async fail(id: string, error: string): Promise<void> {
    await this.db.run(
      sql`UPDATE webhook_deliveries SET status = 'failed', last_error = ${error},
                 updated_at = clock_timestamp()
           WHERE id = ${id}::uuid AND status = 'pending'`,
    );
  }

  /** Newest first, keyset-paged on (created_at, id) over ix_webhook_deliveries_subscription. */
  list(query: WebhookDeliveryQuery): Promise<WebhookDeliveryRow[]> {
    const where = [
      sql`d.subscription_id = ${query.subscriptionId}::uuid`,
      query.status === undefined ? null : sql`d.status = ${query.status}`,
      query.eventType === undefined ? null : sql`d.event_type = ${query.eventType}`,
      query.before === undefined
        ? null
        : sql`(d.created_at, d.id) < (${query.before.createdAtKey}::timestamptz, ${query.before.id}::uuid)`,
    ].filter((condition): condition is Sql => condition !== null);
    return this.db.rows<WebhookDeliveryRow>(
      sql`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE ${join(where, raw(' AND '))}
           ORDER BY d.created_at DESC, d.id DESC LIMIT ${query.limit}`,
    );
  }

  /** Pending deliveries nobody wrote for `idleMs` (over ix_webhook_deliveries_pending), oldest first. */
  async idlePending(idleMs: number, limit: number): Promise<string[]> {
    const rows = await this.db.rows<{ id: string }>(
      sql`SELECT id FROM webhook_deliveries
           WHERE status = 'pending'
             AND updated_at < clock_timestamp() - make_interval(secs => ${idleMs / 1000})
           ORDER BY updated_at LIMIT ${limit}`,
    );
    return rows.map((row) => row.id);
  }

  /** Marks a pending delivery as looked at, so the next sweep passes it by for a while. */
  async touch(id: string): Promise<void> {
    await this.db.run(
      sql`UPDATE webhook_deliveries SET updated_at = clock_timestamp()
           WHERE id = ${id}::uuid AND status = 'pending'`,
    );
  }
}
