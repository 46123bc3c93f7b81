import type { Sql, Transaction } from '@airlock/persistence';
import type { JobQueues } from '@airlock/queue';
import { Logger } from '@nestjs/common';
import type { EventEnvelope } from './event-envelope';
import { EventsService } from './events.service';
import type { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookJobs } from './webhook-jobs';

/**
 * EventsService over in-memory stand-ins: what it writes in the transaction, what it enqueues
 * after. Which subscriptions want an event is SQL (test/webhook-delivery.repository.int-spec.ts);
 * here the stand-in answers `subscribers` for every event, and records the event each outbox
 * statement was built for.
 */
function setup(enqueue: jest.Mock, subscribers = ['all', 'images']) {
  const inserted: EventEnvelope[] = [];
  const built = new Map<Sql, EventEnvelope>();
  const deliveries = {
    outbox: (envelope: EventEnvelope) => {
      const statement = { envelope } as unknown as Sql;
      built.set(statement, envelope);
      return statement;
    },
    insertForSubscribers: jest.fn(async (statement: Sql) => {
      inserted.push(built.get(statement)!);
      return subscribers.map((id) => `delivery-${id}`);
    }),
  } as unknown as WebhookDeliveryRepository;
  const callbacks: Array<() => void> = [];
  // The transaction's after-commit list, as TransactionRunner keeps it: run only on COMMIT.
  const tx = {
    afterCommit: jest.fn((callback: () => void) => callbacks.push(callback)),
  } as unknown as Transaction;
  const jobs = new WebhookJobs(
    { enqueue } as unknown as JobQueues,
    {
      webhookBackoffMs: 5000,
    } as never,
  );
  const events = new EventsService(deliveries, jobs);
  return { events, inserted, callbacks, tx };
}

describe('EventsService.publish', () => {
  it('writes the deliveries of the event in the transaction and enqueues them only after commit', async () => {
    const enqueue = jest.fn().mockResolvedValue('job');
    const { events, inserted, callbacks, tx } = setup(enqueue);
    const envelope = await events.publish('image.registered', { digest: 'sha256:x' }, tx);

    expect(inserted).toHaveLength(1);
    expect(inserted[0]).toEqual({
      id: envelope.id,
      type: 'image.registered',
      occurredAt: envelope.occurredAt,
      data: { digest: 'sha256:x' },
    });
    expect(enqueue).not.toHaveBeenCalled(); // nothing before the commit
    callbacks.forEach((callback) => callback());
    await new Promise((r) => setImmediate(r));
    expect(enqueue.mock.calls.map((call) => call[2].jobId)).toEqual([
      'webhook-delivery-all',
      'webhook-delivery-images',
    ]);
    expect(enqueue.mock.calls[0][1]).toEqual({ deliveryId: 'delivery-all' }); // ids only
  });

  it('registers nothing after commit when no subscription wanted the event', async () => {
    const { events, callbacks, tx } = setup(jest.fn(), []);
    await events.publish('gate.recorded', {}, tx);
    expect(callbacks).toEqual([]);
  });

  it('survives a Redis outage after commit: logs, and leaves the deliveries to the sweep', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const enqueue = jest.fn().mockRejectedValue(new Error('Connection is closed.'));
    const { events, callbacks, tx } = setup(enqueue);
    await events.publish('promotion.failed', {}, tx);
    expect(() => callbacks.forEach((callback) => callback())).not.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(enqueue).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('the sweep will'));
    warn.mockRestore();
  });
});
