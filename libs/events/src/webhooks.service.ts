import { AuditService, type AuditActor } from '@airlock/audit';
import { SecretBox } from '@airlock/crypto';
import { AirlockError } from '@airlock/errors';
import { TransactionRunner, type Transaction } from '@airlock/persistence';
import { decodeCursor, encodeCursor } from '@airlock/validation';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookJobs } from './webhook-jobs';
import {
  checkUuid,
  generateWebhookSecret,
  normalizeEvents,
  readDeliveryQuery,
  readNewWebhook,
  readWebhookUpdate,
  secretContext,
} from './webhook-rules';
import {
  WebhookSubscriptionRepository,
  type WebhookSubscriptionChanges,
  type WebhookSubscriptionRow,
} from './webhook-subscription.repository';
import {
  toDeliveryView,
  toWebhookView,
  type CreatedWebhookView,
  type DeliveryPage,
  type DeliveryView,
  type WebhookView,
} from './webhook-view';

/**
 * Webhook subscriptions (admin), their delivery log and redelivery. Takes requests as they came
 * (bodies, the `id` and `deliveryId` path parameters, the delivery list's query) and reads them.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly subscriptions: WebhookSubscriptionRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly box: SecretBox,
    private readonly jobs: WebhookJobs,
  ) {}

  async create(input: unknown, actor: AuditActor): Promise<CreatedWebhookView> {
    const request = readNewWebhook(input);
    const id = randomUUID();
    const secret = request.secret ?? generateWebhookSecret();
    const secretCiphertext = this.box.seal(secret, secretContext(id));
    const view = await this.transactions.run(async (tx) => {
      const row = await this.subscriptions.insert(
        {
          id,
          url: request.url,
          events: normalizeEvents(request.events),
          secretCiphertext,
          enabled: request.enabled ?? true,
        },
        tx,
      );
      const after = toWebhookView(row);
      await this.audit.record(
        { actor, action: 'webhook.created', subject: { type: 'webhook', id }, after },
        tx,
      );
      return after;
    });
    // Shown once, and only when the caller did not choose it.
    return request.secret === undefined ? { ...view, secret } : view;
  }

  async list(): Promise<WebhookView[]> {
    return (await this.subscriptions.list()).map(toWebhookView);
  }

  async show(id: unknown): Promise<WebhookView> {
    return toWebhookView(await this.require(checkWebhookId(id)));
  }

  async update(id: unknown, input: unknown, actor: AuditActor): Promise<WebhookView> {
    const webhookId = checkWebhookId(id);
    const request = readWebhookUpdate(input);
    return this.transactions.run(async (tx) => {
      const before = await this.require(webhookId, tx, true);
      const changes: WebhookSubscriptionChanges = {
        url: request.url,
        events: request.events === undefined ? undefined : normalizeEvents(request.events),
        enabled: request.enabled,
        secretCiphertext:
          request.secret === undefined
            ? undefined
            : this.box.seal(request.secret, secretContext(webhookId)),
      };
      if (Object.values(changes).every((value) => value === undefined))
        return toWebhookView(before);
      const after = toWebhookView(await this.subscriptions.update(webhookId, changes, tx));
      await this.audit.record(
        {
          actor,
          action: 'webhook.updated',
          subject: { type: 'webhook', id: webhookId },
          before: toWebhookView(before),
          // The secret itself is never audited; that it changed is.
          after: { ...after, secretRotated: request.secret !== undefined },
        },
        tx,
      );
      return after;
    });
  }

  /** Removes the subscription and its delivery log; jobs still queued find nothing and stop. */
  async delete(id: unknown, actor: AuditActor): Promise<void> {
    const webhookId = checkWebhookId(id);
    await this.transactions.run(async (tx) => {
      const before = toWebhookView(await this.require(webhookId, tx, true));
      await this.subscriptions.delete(webhookId, tx);
      await this.audit.record(
        { actor, action: 'webhook.deleted', subject: { type: 'webhook', id: webhookId }, before },
        tx,
      );
    });
  }

  /** The delivery log, newest first, keyset-paged on (created_at, id). */
  async deliveriesOf(id: unknown, query: unknown = {}): Promise<DeliveryPage> {
    const webhookId = checkWebhookId(id);
    const filters = readDeliveryQuery(query);
    const before = filters.cursor === undefined ? undefined : decodeCursor(filters.cursor);
    await this.require(webhookId);
    const rows = await this.deliveries.list({
      subscriptionId: webhookId,
      status: filters.status,
      eventType: filters.eventType,
      before,
      limit: filters.limit + 1,
    });
    const page = rows.slice(0, filters.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toDeliveryView),
      nextCursor:
        rows.length > filters.limit && last ? encodeCursor(last.createdAtKey, last.id) : null,
    };
  }

  /**
   * Sends a finished delivery again as a new delivery (its own attempts, a fresh timestamp and
   * signature) with the same event id and payload, so receivers can tell it is the same event.
   */
  async redeliver(id: unknown, deliveryId: unknown, actor: AuditActor): Promise<DeliveryView> {
    const webhookId = checkWebhookId(id);
    const originalId = checkUuid(deliveryId, 'deliveryId', 'a delivery id');
    return this.transactions.run(async (tx) => {
      const subscription = await this.require(webhookId, tx, true);
      const original = await this.deliveries.find(originalId, tx);
      if (!original || original.subscriptionId !== webhookId)
        throw deliveryNotFound(webhookId, originalId);
      if (original.status === 'pending') {
        throw new AirlockError(
          'CONFLICT',
          `Delivery ${originalId} is still being attempted; redeliver it once it is delivered or failed`,
          { details: { id: originalId, status: original.status } },
        );
      }
      if (!subscription.enabled) {
        throw new AirlockError('CONFLICT', `Webhook ${webhookId} is disabled; enable it first`, {
          details: { id: webhookId },
        });
      }
      const newId = await this.deliveries.insertRedelivery(original.id, tx);
      tx.afterCommit(() => void this.jobs.enqueueAfterCommit([newId]));
      const view = toDeliveryView((await this.deliveries.find(newId, tx))!);
      const { payload: _payload, ...summary } = view;
      await this.audit.record(
        {
          actor,
          action: 'webhook.redelivered',
          subject: { type: 'webhook_delivery', id: newId },
          after: summary,
        },
        tx,
      );
      return view;
    });
  }

  private async require(
    id: string,
    tx?: Transaction,
    lock = false,
  ): Promise<WebhookSubscriptionRow> {
    const row = await this.subscriptions.find(id, tx, lock);
    if (!row) throw new AirlockError('NOT_FOUND', `No webhook ${id}`, { details: { id } });
    return row;
  }
}

function checkWebhookId(id: unknown): string {
  return checkUuid(id, 'id', 'a webhook id');
}

function deliveryNotFound(id: string, deliveryId: string): AirlockError {
  return new AirlockError('NOT_FOUND', `Webhook ${id} has no delivery ${deliveryId}`, {
    details: { id, deliveryId },
  });
}
