import { TransactionRunner } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { randomUUID } from 'node:crypto';
import { WebhookSubscriptionRepository } from '../src/webhook-subscription.repository';

/** The rows WebhookSubscriptionRepository's statements answer, against real Postgres. */
describe('WebhookSubscriptionRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let subscriptions: WebhookSubscriptionRepository;
  let transactions: TransactionRunner;

  beforeAll(async () => {
    db = await createTestDatabase('webhook_subscription_repository');
    pg = await connectTestPostgres(db.url);
    subscriptions = new WebhookSubscriptionRepository(pg.database);
    transactions = pg.transactions;
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  const id = randomUUID();
  const sealed = Buffer.from([1, 2, 3]);

  it('answers subscriptions as WebhookSubscriptionRow, the secret as bytes', async () => {
    const row = await transactions.run((tx) =>
      subscriptions.insert(
        {
          id,
          url: 'http://127.0.0.1:9/a',
          events: ['gate.recorded'],
          secretCiphertext: sealed,
          enabled: true,
        },
        tx,
      ),
    );
    expect(row).toEqual({
      id,
      url: 'http://127.0.0.1:9/a',
      events: ['gate.recorded'],
      secretCiphertext: sealed,
      enabled: true,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    expect(await subscriptions.find(id)).toEqual(row);
    expect(await transactions.run((tx) => subscriptions.find(id, tx, true))).toEqual(row);
    expect(await subscriptions.find(randomUUID())).toBeNull();
    expect(await subscriptions.list()).toEqual([row]);
  });

  it('updates only the fields given, and moves updated_at', async () => {
    const before = (await subscriptions.find(id))!;
    const after = await transactions.run((tx) =>
      subscriptions.update(id, { events: ['*'], enabled: false, url: undefined }, tx),
    );
    expect(after).toMatchObject({ url: before.url, events: ['*'], enabled: false });
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
    const rotated = await transactions.run((tx) =>
      subscriptions.update(id, { secretCiphertext: Buffer.from([9]) }, tx),
    );
    expect(rotated.secretCiphertext).toEqual(Buffer.from([9]));
  });

  it('deletes', async () => {
    await transactions.run((tx) => subscriptions.delete(id, tx));
    expect(await subscriptions.list()).toEqual([]);
  });
});
