import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { managerOf, type Transaction } from '../transaction';

/** One `webhook_subscriptions` row. The secret stays sealed here; @airlock/events opens it. */
export interface WebhookSubscriptionRow {
  id: string;
  url: string;
  /** Event types, or `*` for every type. */
  events: string[];
  secretCiphertext: Buffer;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type NewWebhookSubscription = Pick<
  WebhookSubscriptionRow,
  'id' | 'url' | 'events' | 'secretCiphertext' | 'enabled'
>;

export type WebhookSubscriptionChanges = Partial<
  Pick<WebhookSubscriptionRow, 'url' | 'events' | 'secretCiphertext' | 'enabled'>
>;

const COLUMNS = `id, url, events, secret_ciphertext AS "secretCiphertext", enabled,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

// Column of each changeable field; anything else is never interpolated into SQL.
const CHANGE_COLUMNS: Record<keyof WebhookSubscriptionChanges, string> = {
  url: 'url',
  events: 'events',
  secretCiphertext: 'secret_ciphertext',
  enabled: 'enabled',
};

/** Every query on `webhook_subscriptions`. The rules live in @airlock/events. */
@Injectable()
export class WebhookSubscriptionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(row: NewWebhookSubscription, tx: Transaction): Promise<WebhookSubscriptionRow> {
    const rows: WebhookSubscriptionRow[] = await this.query(tx)(
      `INSERT INTO webhook_subscriptions (id, url, events, secret_ciphertext, enabled)
       VALUES ($1, $2, $3::text[], $4, $5) RETURNING ${COLUMNS}`,
      [row.id, row.url, row.events, row.secretCiphertext, row.enabled],
    );
    return rows[0]!;
  }

  async find(id: string, tx?: Transaction, lock = false): Promise<WebhookSubscriptionRow | null> {
    const rows: WebhookSubscriptionRow[] = await this.query(tx)(
      `SELECT ${COLUMNS} FROM webhook_subscriptions WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Oldest first; an install has a handful, so no pagination. */
  list(): Promise<WebhookSubscriptionRow[]> {
    return this.query()(`SELECT ${COLUMNS} FROM webhook_subscriptions ORDER BY created_at, id`, []);
  }

  async update(
    id: string,
    changes: WebhookSubscriptionChanges,
    tx: Transaction,
  ): Promise<WebhookSubscriptionRow> {
    const fields = (Object.keys(changes) as Array<keyof WebhookSubscriptionChanges>).filter(
      (key) => changes[key] !== undefined,
    );
    const sets = fields.map((key, i) => `${CHANGE_COLUMNS[key]} = $${i + 2}`);
    const rows: WebhookSubscriptionRow[] = await this.query(tx)(
      `WITH u AS (
         UPDATE webhook_subscriptions SET ${[...sets, 'updated_at = clock_timestamp()'].join(', ')}
         WHERE id = $1 RETURNING *)
       SELECT ${COLUMNS} FROM u`,
      [id, ...fields.map((key) => changes[key])],
    );
    return rows[0]!;
  }

  /** Its deliveries go with it (ON DELETE CASCADE). */
  async delete(id: string, tx: Transaction): Promise<void> {
    await this.query(tx)(`DELETE FROM webhook_subscriptions WHERE id = $1`, [id]);
  }

  private query(tx?: Transaction): (sql: string, params: unknown[]) => Promise<never> {
    const manager = managerOf(tx, this.dataSource.manager);
    return (sql, params) => manager.query(sql, params) as Promise<never>;
  }
}
