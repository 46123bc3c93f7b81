import type { AuditEntry, AuditService } from '@airlock/audit';
import { SecretBox } from '@airlock/crypto';
import { AirlockError } from '@airlock/errors';
import type { Transaction, TransactionRunner } from '@airlock/persistence';
import type { WebhookDeliveryRepository, WebhookDeliveryRow } from './webhook-delivery.repository';
import type { WebhookJobs } from './webhook-jobs';
import { secretContext } from './webhook-rules';
import type {
  WebhookSubscriptionChanges,
  WebhookSubscriptionRepository,
  WebhookSubscriptionRow,
} from './webhook-subscription.repository';
import { WebhooksService } from './webhooks.service';

const actor = { tokenId: null, name: 'admin' };
const box = SecretBox.fromConfig({ secretKey: 'e'.repeat(64) });

/** WebhooksService over in-memory rows: what it stores, audits and enqueues. */
function setup() {
  const rows = new Map<string, WebhookSubscriptionRow>();
  const deliveries = new Map<string, WebhookDeliveryRow>();
  const audited: AuditEntry[] = [];
  const afterCommit: Array<() => void> = [];
  // The transaction's after-commit list, as TransactionRunner keeps it: run only on COMMIT.
  const tx = { afterCommit: (f: () => void) => afterCommit.push(f) } as unknown as Transaction;
  const enqueued: string[][] = [];
  const subscriptions = {
    insert: (row: WebhookSubscriptionRow) => {
      const stored = { ...row, createdAt: new Date(), updatedAt: new Date() };
      rows.set(row.id, stored);
      return Promise.resolve(stored);
    },
    find: (id: string) => Promise.resolve(rows.get(id) ?? null),
    update: (id: string, changes: WebhookSubscriptionChanges) => {
      const defined = Object.fromEntries(
        Object.entries(changes).filter(([, v]) => v !== undefined),
      );
      const stored = { ...rows.get(id)!, ...defined, updatedAt: new Date() };
      rows.set(id, stored);
      return Promise.resolve(stored);
    },
  } as unknown as WebhookSubscriptionRepository;
  const deliveryRows = {
    find: (id: string) => Promise.resolve(deliveries.get(id) ?? null),
    insertRedelivery: (originalId: string) => {
      const id = `${originalId}-again`;
      deliveries.set(id, {
        ...deliveries.get(originalId)!,
        id,
        status: 'pending',
        redeliveryOf: originalId,
      });
      return Promise.resolve(id);
    },
  } as unknown as WebhookDeliveryRepository;
  const service = new WebhooksService(
    subscriptions,
    deliveryRows,
    {
      run: (work: (t: Transaction) => Promise<unknown>) => work(tx),
    } as unknown as TransactionRunner,
    {
      record: (entry: AuditEntry) => Promise.resolve(void audited.push(entry)),
    } as unknown as AuditService,
    box,
    {
      enqueueAfterCommit: (ids: string[]) => Promise.resolve(void enqueued.push(ids)),
    } as unknown as WebhookJobs,
  );
  return { service, rows, deliveries, audited, afterCommit, enqueued };
}

async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  const error = (await promise.catch((e: unknown) => e)) as AirlockError;
  expect(error.code).toBe('INVALID_INPUT');
  return (error.details.errors as Array<{ field: string; rule: string }>).map(
    (p) => `${p.field}:${p.rule}`,
  );
}

describe('WebhooksService', () => {
  it('refuses a bad body naming every field, and stores nothing', async () => {
    const { service, rows, audited } = setup();
    expect(
      await problemsOf(
        service.create(
          { url: 'ftp://x/y', events: ['*', 'image.deleted'], secret: 'short' },
          actor,
        ),
      ),
    ).toEqual(['url:url', 'events[1]:oneOf', 'secret:minLength']);
    expect(await problemsOf(service.create({ events: [] }, actor))).toEqual([
      'url:required',
      'events:minItems',
    ]);
    expect(rows.size).toBe(0);
    expect(audited).toEqual([]);
  });

  it('answers a generated secret once, stores it sealed to the row, and never audits it', async () => {
    const { service, rows, audited } = setup();
    const created = await service.create(
      { url: 'http://127.0.0.1:9/h', events: ['gate.recorded', 'gate.recorded'] },
      actor,
    );
    expect(created.secret).toMatch(/^whsec_/);
    const row = rows.get(created.id)!;
    expect(row.events).toEqual(['gate.recorded']);
    expect(box.openString(row.secretCiphertext, secretContext(created.id))).toBe(created.secret);
    expect(JSON.stringify(audited)).not.toContain(created.secret!);
    const chosen = await service.create(
      { url: 'http://127.0.0.1:9/h', events: ['*'], secret: 'x'.repeat(16) },
      actor,
    );
    expect(chosen).not.toHaveProperty('secret');
  });

  it('audits a rotation as secretRotated, and a change of nothing not at all', async () => {
    const { service, audited } = setup();
    const { id } = await service.create({ url: 'http://127.0.0.1:9/h', events: ['*'] }, actor);
    await service.update(id, {}, actor);
    expect(audited.map((e) => e.action)).toEqual(['webhook.created']);
    await service.update(id, { secret: 'y'.repeat(20), enabled: false }, actor);
    expect(audited[1]).toMatchObject({
      action: 'webhook.updated',
      after: { enabled: false, secretRotated: true },
    });
    expect(JSON.stringify(audited[1])).not.toContain('y'.repeat(20));
  });

  it('reads the path ids: a webhook id and a delivery id are UUIDs', async () => {
    const { service } = setup();
    expect(await problemsOf(service.show('nope'))).toEqual(['id:uuid']);
    expect(await problemsOf(service.redeliver('nope', 'x', actor))).toEqual(['id:uuid']);
    const id = '00000000-0000-4000-8000-000000000000';
    expect(await problemsOf(service.redeliver(id, 'x', actor))).toEqual(['deliveryId:uuid']);
    expect(await problemsOf(service.deliveriesOf(id, { limit: '0', status: 'lost' }))).toEqual([
      'status:oneOf',
      'limit:min',
    ]);
  });

  it('redelivers a finished delivery as a new one, enqueued only after the commit', async () => {
    const { service, deliveries, afterCommit, enqueued } = setup();
    const { id } = await service.create({ url: 'http://127.0.0.1:9/h', events: ['*'] }, actor);
    const deliveryId = '11111111-1111-4111-8111-111111111111';
    const original = { id: deliveryId, subscriptionId: id, status: 'failed', payload: {} };
    deliveries.set(deliveryId, original as WebhookDeliveryRow);
    const again = await service.redeliver(id, deliveryId, actor);
    expect(again).toMatchObject({ redeliveryOf: deliveryId, status: 'pending' });
    expect(enqueued).toEqual([]);
    afterCommit.forEach((callback) => callback());
    expect(enqueued).toEqual([[again.id]]);
  });

  it('refuses to redeliver a pending delivery, one of another webhook, or to a disabled webhook', async () => {
    const { service, deliveries } = setup();
    const { id } = await service.create({ url: 'http://127.0.0.1:9/h', events: ['*'] }, actor);
    const other = '22222222-2222-4222-8222-222222222222';
    const pending = '33333333-3333-4333-8333-333333333333';
    deliveries.set(other, {
      id: other,
      subscriptionId: 'another',
      status: 'failed',
    } as WebhookDeliveryRow);
    deliveries.set(pending, {
      id: pending,
      subscriptionId: id,
      status: 'pending',
    } as WebhookDeliveryRow);
    const codeOf = async (p: Promise<unknown>) =>
      ((await p.catch((e: unknown) => e)) as AirlockError).code;
    expect(await codeOf(service.redeliver(id, other, actor))).toBe('NOT_FOUND');
    expect(await codeOf(service.redeliver(id, pending, actor))).toBe('CONFLICT');
    deliveries.set(pending, { ...deliveries.get(pending)!, status: 'delivered' });
    await service.update(id, { enabled: false }, actor);
    expect(await codeOf(service.redeliver(id, pending, actor))).toBe('CONFLICT');
  });
});
