import { SecretBox } from '@airlock/crypto';
import { TransactionRunner } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '../src/event-envelope';
import { EventsService } from '../src/events.service';
import { WebhookDeliveryRepository } from '../src/webhook-delivery.repository';
import type { WebhookJobs } from '../src/webhook-jobs';
import { WebhookSubscriptionRepository } from '../src/webhook-subscription.repository';

/** The outbox against real Postgres: rows with the change, jobs only after its commit. */
describe('events outbox', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let transactions: TransactionRunner;
  let subscriptions: WebhookSubscriptionRepository;
  let deliveries: WebhookDeliveryRepository;
  let events: EventsService;
  const enqueued: string[][] = [];

  beforeAll(async () => {
    db = await createTestDatabase('events_outbox');
    pg = await connectTestPostgres(db.url);
    transactions = pg.transactions;
    const database = pg.database;
    subscriptions = new WebhookSubscriptionRepository(database);
    deliveries = new WebhookDeliveryRepository(database);
    const jobs = {
      enqueueAfterCommit: (ids: string[]) => Promise.resolve(void enqueued.push(ids)),
    } as unknown as WebhookJobs;
    events = new EventsService(deliveries, jobs);
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
    await pg?.close();
    await db?.drop();
  });

  beforeEach(() => (enqueued.length = 0));

  const rowsOf = async (eventId: string) =>
    (await pg.query(
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

  it('sends a whole transaction in one write with runAsOneWrite: commits with its deliveries', async () => {
    const envelope = await transactions.runAsOneWrite('outbox-test', async (tx) => {
      const published = events.publish('gate.recorded', { gate: 'lint' }, tx);
      return published;
    });
    const rows = await rowsOf(envelope.id);
    expect(rows.map((r) => r.url)).toEqual(['http://127.0.0.1:9/all', 'http://127.0.0.1:9/gates']);
    expect(enqueued).toHaveLength(1);
    expect([...enqueued[0]!].sort()).toEqual(rows.map((r) => r.id).sort());
  });

  it('rolls a one-write transaction back when one of its statements fails, and enqueues nothing', async () => {
    let eventId = '';
    await expect(
      transactions.runAsOneWrite('outbox-test', (tx) => {
        const published = events.publish('gate.recorded', {}, tx).then((e) => (eventId = e.id));
        // Sent in the same write, fails in Postgres: the transaction is aborted, COMMIT rolls back.
        const broken = { id: 'not-a-uuid', type: 'gate.recorded', occurredAt: '', data: {} };
        const failing = deliveries.insertForSubscribers(
          deliveries.outbox(broken as EventEnvelope),
          tx,
        );
        return Promise.all([published, failing]);
      }),
    ).rejects.toThrow(/uuid/);
    expect(eventId).not.toBe('');
    expect(await rowsOf(eventId)).toEqual([]);
    expect(enqueued).toEqual([]);
  });

  it('refuses statements that would reach a one-write transaction after its COMMIT', async () => {
    // After the first await …
    await expect(
      transactions.runAsOneWrite('outbox-test', async (tx) => {
        await events.publish('gate.recorded', {}, tx);
        return events.publish('gate.recorded', {}, tx);
      }),
    ).rejects.toThrow(/after COMMIT/);
    // … or a few microtasks after the call.
    await expect(
      transactions.runAsOneWrite('outbox-test', (tx) =>
        Promise.resolve().then(() => deliveries.insertRedelivery(randomUUID(), tx)),
      ),
    ).rejects.toThrow(/after COMMIT/);
    // The connections are fine afterwards.
    const envelope = await transactions.run((tx) => events.publish('gate.recorded', {}, tx));
    expect(await rowsOf(envelope.id)).toHaveLength(2);
  });
});
