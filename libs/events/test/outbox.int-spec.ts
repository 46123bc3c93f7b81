import { SecretBox } from '@airlock/crypto';
import {
  dataSourceOptions,
  TransactionRunner,
  WebhookAfterCommit,
  WebhookDeliveryRepository,
  WebhookSubscriptionRepository,
} from '@airlock/persistence';
import { createTestDatabase, type TestDatabase } from '@airlock/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventsService } from '../src/events.service';
import type { WebhookJobs } from '../src/webhook-jobs';

/** The outbox against real Postgres: rows with the change, jobs only after its commit. */
describe('events outbox', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let transactions: TransactionRunner;
  let subscriptions: WebhookSubscriptionRepository;
  let deliveries: WebhookDeliveryRepository;
  let events: EventsService;
  const enqueued: string[][] = [];

  beforeAll(async () => {
    db = await createTestDatabase('events_outbox');
    dataSource = await new DataSource(dataSourceOptions({ databaseUrl: db.url })).initialize();
    transactions = new TransactionRunner(dataSource);
    subscriptions = new WebhookSubscriptionRepository(dataSource);
    deliveries = new WebhookDeliveryRepository(dataSource);
    const jobs = {
      enqueueAfterCommit: (ids: string[]) => Promise.resolve(void enqueued.push(ids)),
    } as unknown as WebhookJobs;
    events = new EventsService(subscriptions, deliveries, new WebhookAfterCommit(dataSource), jobs);
    const box = SecretBox.fromConfig({ secretKey: 'e'.repeat(64) });
    await transactions.run(async (tx) => {
      for (const [name, types, enabled] of [
        ['all', ['*'], true],
        ['gates', ['gate.recorded'], true],
        ['off', ['*'], false],
      ] as const) {
        const id = randomUUID();
        await subscriptions.insert(
          {
            id,
            url: `http://127.0.0.1:9/${name}`,
            events: [...types],
            enabled,
            secretCiphertext: box.seal('x'.repeat(16), id),
          },
          tx,
        );
      }
    });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  beforeEach(() => (enqueued.length = 0));

  const rowsOf = async (eventId: string) =>
    (await dataSource.query(
      `SELECT d.id, s.url FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
        WHERE d.event_id = $1 ORDER BY s.url`,
      [eventId],
    )) as Array<{ id: string; url: string }>;

  it('writes a pending delivery per enabled, interested subscription and enqueues after the commit', async () => {
    const envelope = await transactions.run(async (tx) => {
      const published = await events.publish('gate.recorded', { gate: 'scan' }, tx);
      expect(enqueued).toEqual([]); // not before the commit
      return published;
    });
    const rows = await rowsOf(envelope.id);
    expect(rows.map((r) => r.url)).toEqual(['http://127.0.0.1:9/all', 'http://127.0.0.1:9/gates']);
    expect(enqueued).toHaveLength(1);
    expect([...enqueued[0]!].sort()).toEqual(rows.map((r) => r.id).sort());
    const stored = await deliveries.find(rows[0]!.id);
    expect(stored).toMatchObject({
      status: 'pending',
      attempts: 0,
      eventType: 'gate.recorded',
      payload: { id: envelope.id, type: 'gate.recorded', data: { gate: 'scan' } },
    });
  });

  it('writes and enqueues nothing when the change rolls back', async () => {
    let eventId = '';
    await expect(
      transactions.run(async (tx) => {
        eventId = (await events.publish('image.registered', {}, tx)).id;
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await rowsOf(eventId)).toEqual([]);
    // A later commit on a pooled connection does not run the dropped callbacks either.
    await transactions.run(async (tx) => events.publish('image.registered', {}, tx));
    expect(enqueued).toHaveLength(1);
    expect(enqueued[0]).toHaveLength(1); // only `all` wants image.registered
  });
});
