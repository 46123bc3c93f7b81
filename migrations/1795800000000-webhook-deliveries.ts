import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What webhook delivery needs beyond the initial `webhook_deliveries` table:
 * - per attempt: how long the receiver took (`response_ms`) and when (`last_attempt_at`);
 *   `updated_at` moves on every write, so the sweep finds pending rows nobody touched for a while;
 * - `redelivery_of`: a redelivery is a new row (its own attempt series) pointing at the delivery
 *   it repeats. No foreign key: deleting a subscription cascades over its deliveries, and a key
 *   would make each of those deletes look up its redeliveries.
 * - indexes: the delivery log pages newest first per subscription (keyset on created_at, id), and
 *   the sweep reads only pending rows.
 */
export class WebhookDeliveries1795800000000 implements MigrationInterface {
  name = 'WebhookDeliveries1795800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_deliveries
      ADD COLUMN response_ms integer,
      ADD COLUMN last_attempt_at timestamptz,
      ADD COLUMN redelivery_of uuid,
      ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`DROP INDEX IF EXISTS ix_webhook_deliveries_subscription`);
    await q.query(`CREATE INDEX ix_webhook_deliveries_subscription
      ON webhook_deliveries (subscription_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX ix_webhook_deliveries_pending ON webhook_deliveries (updated_at)
      WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_webhook_deliveries_pending`);
    await q.query(`DROP INDEX IF EXISTS ix_webhook_deliveries_subscription`);
    await q.query(`CREATE INDEX ix_webhook_deliveries_subscription
      ON webhook_deliveries (subscription_id, created_at DESC)`);
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN IF EXISTS updated_at,
      DROP COLUMN IF EXISTS redelivery_of, DROP COLUMN IF EXISTS last_attempt_at,
      DROP COLUMN IF EXISTS response_ms`);
  }
}
