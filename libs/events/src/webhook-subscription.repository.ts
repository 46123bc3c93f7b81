import {
  columns,
  Database,
  join,
  raw,
  sql,
  type Sql,
  type Transaction,
} from '@airlock/persistence';
import { Injectable } from '@nestjs/common';

/** One `webhook_subscriptions` row. The secret stays sealed here; WebhooksService opens it. */
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

const SUBSCRIPTION = columns<WebhookSubscriptionRow>({
  id: 'id',
  url: 'url',
  events: 'events',
  secretCiphertext: 'secret_ciphertext',
  enabled: 'enabled',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

// The column of each changeable field: only these names are ever written into the statement.
const CHANGE_COLUMNS: Record<keyof WebhookSubscriptionChanges, Sql> = {
  url: raw('url'),
  events: raw('events'),
  secretCiphertext: raw('secret_ciphertext'),
  enabled: raw('enabled'),
};

/** `webhook_subscriptions`: the only reader and writer. The rules live in WebhooksService. */
@Injectable()
export class WebhookSubscriptionRepository {
  constructor(private readonly db: Database) {}

  async insert(row: NewWebhookSubscription, tx: Transaction): Promise<WebhookSubscriptionRow> {
    return (await this.db.one<WebhookSubscriptionRow>(
      sql`INSERT INTO webhook_subscriptions (id, url, events, secret_ciphertext, enabled)
          VALUES (${row.id}, ${row.url}, ${row.events}::text[], ${row.secretCiphertext}, ${row.enabled})
          RETURNING ${SUBSCRIPTION}`,
      tx,
    ))!;
  }

  /** `lock`: FOR UPDATE, so changes to one subscription take turns. */
  find(id: string, tx?: Transaction, lock = false): Promise<WebhookSubscriptionRow | null> {
    return this.db.one<WebhookSubscriptionRow>(
      sql`SELECT ${SUBSCRIPTION} FROM webhook_subscriptions WHERE id = ${id}::uuid
          ${lock ? raw('FOR UPDATE') : raw('')}`,
      tx,
    );
  }

  /** Oldest first; an install has a handful, so no pagination. */
  list(tx?: Transaction): Promise<WebhookSubscriptionRow[]> {
    return this.db.rows<WebhookSubscriptionRow>(
      sql`SELECT ${SUBSCRIPTION} FROM webhook_subscriptions ORDER BY created_at, id`,
      tx,
    );
  }

  /** Sets the fields given (undefined ones stay) and answers the row as it is now. */
  async update(
    id: string,
    changes: WebhookSubscriptionChanges,
    tx: Transaction,
  ): Promise<WebhookSubscriptionRow> {
    const sets = (Object.keys(CHANGE_COLUMNS) as Array<keyof WebhookSubscriptionChanges>)
      .filter((key) => changes[key] !== undefined)
      .map((key) =>
        key === 'events'
          ? sql`events = ${changes.events}::text[]`
          : sql`${CHANGE_COLUMNS[key]} = ${changes[key]}`,
      );
    return (await this.db.one<WebhookSubscriptionRow>(
      sql`UPDATE webhook_subscriptions SET ${join([...sets, raw('updated_at = clock_timestamp()')])}
           WHERE id = ${id}::uuid RETURNING ${SUBSCRIPTION}`,
      tx,
    ))!;
  }

  /** Its deliveries go with it (ON DELETE CASCADE). */
  async delete(id: string, tx: Transaction): Promise<void> {
    await this.db.run(sql`DELETE FROM webhook_subscriptions WHERE id = ${id}::uuid`, tx);
  }
}
