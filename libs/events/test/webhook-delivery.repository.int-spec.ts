import { Database, raw, sql, TransactionRunner } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { randomUUID } from 'node:crypto';
import { buildEnvelope } from '../src/event-envelope';
import { WebhookDeliveryRepository } from '../src/webhook-delivery.repository';
import { WebhookSubscriptionRepository } from '../src/webhook-subscription.repository';

/** The rows WebhookDeliveryRepository's statements answer, against real Postgres, held to their types. */
describe('WebhookDeliveryRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let database: Database;
  let deliveries: WebhookDeliveryRepository;
  let transactions: TransactionRunner;
  const subscription: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase('webhook_delivery_repository');
    pg = await connectTestPostgres(db.url);
    database = pg.database;
    deliveries = new WebhookDeliveryRepository(database);
    transactions = pg.transactions;
    const subscriptions = new WebhookSubscriptionRepository(database);
    await transactions.run(async (tx) => {
      for (const [name, events, enabled] of [
        ['all', ['*'], true],
        ['gates', ['gate.recorded'], true],
        ['images', ['image.registered'], true],
        ['off', ['*'], false],
      ] as const) {
        subscription[name] = randomUUID();
        await subscriptions.insert(
          {
            id: subscription[name]!,
            url: `http://127.0.0.1:9/${name}`,
            events: [...events],
            secretCiphertext: Buffer.from('x'),
            enabled,
          },
          tx,
        );
      }
    });
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  let first = '';

  it('writes one pending delivery per enabled subscription that wants the event', async () => {
    const envelope = buildEnvelope('gate.recorded', { gate: 'scan' });
    const ids = await transactions.run((tx) =>
      deliveries.insertForSubscribers(deliveries.outbox(envelope), tx),
    );
    expect(ids).toHaveLength(2);
    const rows = await Promise.all(ids.map((id) => deliveries.find(id)));
    expect(rows.map((r) => r!.subscriptionId).sort()).toEqual(
      [subscription.all, subscription.gates].sort(),
    );
    first = ids[0]!;
    expect(rows[0]).toEqual({
      id: first,
      subscriptionId: expect.any(String),
      eventId: envelope.id,
      eventType: 'gate.recorded',
      payload: envelope,
      status: 'pending',
      attempts: 0,
      lastStatusCode: null,
      lastError: null,
      responseMs: null,
      redeliveryOf: null,
      createdAt: expect.any(Date),
      lastAttemptAt: null,
      deliveredAt: null,
      createdAtKey: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00$/),
    });
  });

  it('embeds the outbox write in a statement that makes the change, data merged from its rows', async () => {
    const envelope = buildEnvelope('image.registered', { digest: 'sha256:x' });
    const outbox = deliveries.outbox(envelope, {
      from: raw('made m'),
      addToData: raw(`jsonb_build_object('id', m.id)`),
    });
    const [row] = await transactions.run((tx) =>
      database.rows<{ ids: string[] }>(
        sql`WITH made AS (SELECT ${'img-1'}::text AS id), delivered AS (${outbox} RETURNING id)
            SELECT ARRAY(SELECT id FROM delivered) AS ids`,
        tx,
      ),
    );
    expect(row!.ids).toHaveLength(2); // all, images
    const stored = await deliveries.find(row!.ids[0]!);
    expect(stored!.payload).toEqual({ ...envelope, data: { digest: 'sha256:x', id: 'img-1' } });
  });

  it('answers a target with its subscription; records attempts on pending deliveries only', async () => {
    expect(await deliveries.findTarget(first)).toMatchObject({
      id: first,
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:9\//),
      secretCiphertext: Buffer.from('x'),
      enabled: true,
    });
    expect(await deliveries.findTarget(randomUUID())).toBeNull();
    const attempt = { statusCode: 500, error: 'HTTP 500', responseMs: 12 };
    expect(await deliveries.recordAttempt(first, { ...attempt, status: 'pending' })).toBe(true);
    expect(await deliveries.idlePending(60_000, 10)).toEqual([]);
    expect(
      await deliveries.recordAttempt(first, {
        statusCode: 204,
        error: null,
        responseMs: 3,
        status: 'delivered',
      }),
    ).toBe(true);
    expect(await deliveries.recordAttempt(first, { ...attempt, status: 'failed' })).toBe(false);
    expect(await deliveries.find(first)).toMatchObject({
      status: 'delivered',
      attempts: 2,
      lastStatusCode: 204,
      lastError: null,
      responseMs: 3,
      lastAttemptAt: expect.any(Date),
      deliveredAt: expect.any(Date),
    });
  });

  it('redelivers as a new pending delivery of the same event', async () => {
    const original = (await deliveries.find(first))!;
    const id = await transactions.run((tx) => deliveries.insertRedelivery(first, tx));
    expect(await deliveries.find(id)).toMatchObject({
      subscriptionId: original.subscriptionId,
      eventId: original.eventId,
      payload: original.payload,
      redeliveryOf: first,
      status: 'pending',
      attempts: 0,
    });
    await deliveries.fail(id, 'gave up');
    expect(await deliveries.find(id)).toMatchObject({ status: 'failed', lastError: 'gave up' });
  });

  it('lists newest first with filters and a keyset position; finds idle pending ones', async () => {
    const all = await deliveries.list({ subscriptionId: subscription.all!, limit: 10 });
    expect(all.length).toBeGreaterThanOrEqual(2);
    const [newest, next] = all;
    expect(
      await deliveries.list({
        subscriptionId: subscription.all!,
        before: { createdAtKey: newest!.createdAtKey, id: newest!.id },
        limit: 10,
      }),
    ).toEqual(all.slice(1));
    expect(
      (
        await deliveries.list({
          subscriptionId: subscription.all!,
          eventType: 'image.registered',
          limit: 10,
        })
      ).map((d) => d.eventType),
    ).toEqual(['image.registered']);
    expect(
      await deliveries.list({ subscriptionId: subscription.all!, status: 'failed', limit: 10 }),
    ).toEqual(all.filter((d) => d.status === 'failed'));
    expect(next).toBeDefined();
    await pg.query(
      `UPDATE webhook_deliveries SET updated_at = now() - interval '1 hour' WHERE status = 'pending'`,
    );
    const idle = await deliveries.idlePending(60_000, 100);
    expect(idle.length).toBeGreaterThan(0);
    await deliveries.touch(idle[0]!);
    expect(await deliveries.idlePending(60_000, 100)).not.toContain(idle[0]);
  });
});
