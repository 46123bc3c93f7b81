import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { managerOf, sqlOf, type Transaction } from '../transaction';

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

export type NewWebhookDelivery = Pick<
  WebhookDeliveryRow,
  'subscriptionId' | 'eventId' | 'eventType' | 'payload'
> & { redeliveryOf?: string | null };

/** An event as every subscription that wants it receives it (`payload` is its envelope). */
export interface NewWebhookEvent {
  eventId: string;
  eventType: string;
  payload: Record<string, unknown>;
}

/**
 * The subscriptions an event of type `typeParam` (a SQL expression) fans out to, as SQL over
 * `webhook_subscriptions s`: enabled ones whose events hold '*' or the type — wantsEvent's rule in
 * @airlock/events, here so the match and the insert are one statement.
 */
export function subscriptionsWanting(typeParam: string): string {
  return `s.enabled AND s.events && ARRAY['*', ${typeParam}]::text[]`;
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
  before?: { createdAtKey: string; id: string };
  limit: number;
}

const COLUMNS = `d.id, d.subscription_id AS "subscriptionId", d.event_id AS "eventId",
  d.event_type AS "eventType", d.payload, d.status, d.attempts, d.last_status_code AS "lastStatusCode",
  d.last_error AS "lastError", d.response_ms AS "responseMs", d.redelivery_of AS "redeliveryOf",
  d.created_at AS "createdAt", d.last_attempt_at AS "lastAttemptAt", d.delivered_at AS "deliveredAt",
  d.created_at::text AS "createdAtKey"`;

/** Every query on `webhook_deliveries`. The rules (who gets what, retries) live in @airlock/events. */
@Injectable()
export class WebhookDeliveryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Pending rows, one per delivery, in the caller's transaction; answers their ids in order. */
  async insertMany(deliveries: NewWebhookDelivery[], tx: Transaction): Promise<string[]> {
    if (deliveries.length === 0) return [];
    const rows: Array<{ id: string }> = await this.query(tx)(
      `INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, payload, redelivery_of, status)
       SELECT s, e, t, p, r, 'pending'
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::uuid[]) AS x(s, e, t, p, r)
       RETURNING id`,
      [
        deliveries.map((d) => d.subscriptionId),
        deliveries.map((d) => d.eventId),
        deliveries.map((d) => d.eventType),
        deliveries.map((d) => JSON.stringify(d.payload)),
        deliveries.map((d) => d.redeliveryOf ?? null),
      ],
    );
    return rows.map((row) => row.id);
  }

  /**
   * One pending delivery per subscription that wants the event, matched and written in one
   * statement in the caller's transaction; answers their ids.
   */
  async insertForSubscribers(event: NewWebhookEvent, tx: Transaction): Promise<string[]> {
    // Plain pg (sqlOf): every publish runs it, gate recording among them.
    const rows = await sqlOf(tx, this.dataSource)<{ id: string }>(
      `INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, payload, status)
       SELECT s.id, $1::uuid, $2::text, $3::jsonb, 'pending' FROM webhook_subscriptions s
        WHERE ${subscriptionsWanting('$2::text')}
       RETURNING id`,
      [event.eventId, event.eventType, JSON.stringify(event.payload)],
    );
    return rows.map((row) => row.id);
  }

  async find(id: string, tx?: Transaction): Promise<WebhookDeliveryRow | null> {
    const rows: WebhookDeliveryRow[] = await this.query(tx)(
      `SELECT ${COLUMNS} FROM webhook_deliveries d WHERE d.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** The delivery joined with its subscription's url, sealed secret and switch. */
  async findTarget(id: string): Promise<WebhookDeliveryTarget | null> {
    const rows: WebhookDeliveryTarget[] = await this.query()(
      `SELECT ${COLUMNS}, s.url, s.secret_ciphertext AS "secretCiphertext", s.enabled
         FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
        WHERE d.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * Records one attempt on a pending delivery (attempts + 1). A delivery that is no longer pending
   * is left alone: answers false.
   */
  async recordAttempt(id: string, attempt: WebhookAttempt): Promise<boolean> {
    const rows: unknown[] = await this.query()(
      `WITH u AS (
         UPDATE webhook_deliveries
            SET status = $2, attempts = attempts + 1, last_status_code = $3, last_error = $4,
                response_ms = $5, last_attempt_at = clock_timestamp(), updated_at = clock_timestamp(),
                delivered_at = CASE WHEN $2 = 'delivered' THEN clock_timestamp() ELSE delivered_at END
          WHERE id = $1 AND status = 'pending' RETURNING id)
       SELECT id FROM u`,
      [id, attempt.status, attempt.statusCode, attempt.error, attempt.responseMs],
    );
    return rows.length > 0;
  }

  /** Fails a pending delivery without an attempt (the queue gave up on it, or it cannot be sent). */
  async fail(id: string, error: string): Promise<void> {
    await this.query()(
      `UPDATE webhook_deliveries SET status = 'failed', last_error = $2, updated_at = clock_timestamp()
        WHERE id = $1 AND status = 'pending'`,
      [id, error],
    );
  }

  /** Newest first, keyset-paged on (created_at, id) over ix_webhook_deliveries_subscription. */
  list(query: WebhookDeliveryQuery): Promise<WebhookDeliveryRow[]> {
    const where = ['d.subscription_id = $1'];
    const params: unknown[] = [query.subscriptionId];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.status !== undefined) add('d.status = ?', query.status);
    if (query.eventType !== undefined) add('d.event_type = ?', query.eventType);
    if (query.before !== undefined) {
      params.push(query.before.createdAtKey, query.before.id);
      where.push(
        `(d.created_at, d.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    params.push(query.limit);
    return this.query()(
      `SELECT ${COLUMNS} FROM webhook_deliveries d WHERE ${where.join(' AND ')}
        ORDER BY d.created_at DESC, d.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Pending deliveries nobody wrote for `idleMs` (over ix_webhook_deliveries_pending), oldest first. */
  async idlePending(idleMs: number, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.query()(
      `SELECT id FROM webhook_deliveries
        WHERE status = 'pending' AND updated_at < clock_timestamp() - make_interval(secs => $1)
        ORDER BY updated_at LIMIT $2`,
      [idleMs / 1000, limit],
    );
    return rows.map((row) => row.id);
  }

  /** Marks a pending delivery as looked at, so the next sweep passes it by for a while. */
  async touch(id: string): Promise<void> {
    await this.query()(
      `UPDATE webhook_deliveries SET updated_at = clock_timestamp() WHERE id = $1 AND status = 'pending'`,
      [id],
    );
  }

  private query(tx?: Transaction): (sql: string, params: unknown[]) => Promise<never> {
    const manager = managerOf(tx, this.dataSource.manager);
    return (sql, params) => manager.query(sql, params) as Promise<never>;
  }
}
