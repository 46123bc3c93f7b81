import { AuditService, type AuditActor } from '@airlock/audit';
import { SecretBox } from '@airlock/crypto';
import { AirlockError } from '@airlock/errors';
import {
  TransactionRunner,
  WebhookAfterCommit,
  WebhookDeliveryRepository,
  WebhookSubscriptionRepository,
  type Transaction,
  type WebhookDeliveryStatus,
  type WebhookSubscriptionChanges,
  type WebhookSubscriptionRow,
} from '@airlock/persistence';
import { decodeCursor, encodeCursor } from '@airlock/validation';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { WebhookJobs } from './webhook-jobs';
import {
  checkEventTypes,
  checkUuid,
  checkWebhookSecret,
  checkWebhookUrl,
  DELIVERY_PAGE_LIMIT,
  generateWebhookSecret,
  normalizeEvents,
  secretContext,
  throwIfInvalid,
} from './webhook-rules';
import {
  toDeliveryView,
  toWebhookView,
  type CreatedWebhookView,
  type DeliveryPage,
  type DeliveryView,
  type WebhookView,
} from './webhook-view';

export interface NewWebhookRequest {
  url: string;
  events: string[];
  /** Omitted → generated and answered once. */
  secret?: string;
  enabled?: boolean;
}

export type WebhookUpdateRequest = Partial<NewWebhookRequest>;

export interface DeliveryListFilters {
  status?: WebhookDeliveryStatus;
  eventType?: string;
  cursor?: string;
  limit?: number;
}

/** Webhook subscriptions (admin), their delivery log and redelivery. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly subscriptions: WebhookSubscriptionRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly box: SecretBox,
    private readonly afterCommit: WebhookAfterCommit,
    private readonly jobs: WebhookJobs,
  ) {}

  async create(request: NewWebhookRequest, actor: AuditActor): Promise<CreatedWebhookView> {
    throwIfInvalid([
      ...checkWebhookUrl(request.url),
      ...checkEventTypes(request.events),
      ...(request.secret === undefined ? [] : checkWebhookSecret(request.secret)),
    ]);
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

  async show(id: string): Promise<WebhookView> {
    return toWebhookView(await this.require(id));
  }

  async update(id: string, request: WebhookUpdateRequest, actor: AuditActor): Promise<WebhookView> {
    throwIfInvalid([
      ...(request.url === undefined ? [] : checkWebhookUrl(request.url)),
      ...(request.events === undefined ? [] : checkEventTypes(request.events)),
      ...(request.secret === undefined ? [] : checkWebhookSecret(request.secret)),
    ]);
    return this.transactions.run(async (tx) => {
      const before = await this.require(id, tx, true);
      const changes: WebhookSubscriptionChanges = {
        url: request.url,
        events: request.events === undefined ? undefined : normalizeEvents(request.events),
        enabled: request.enabled,
        secretCiphertext:
          request.secret === undefined
            ? undefined
            : this.box.seal(request.secret, secretContext(id)),
      };
      if (Object.values(changes).every((value) => value === undefined))
        return toWebhookView(before);
      const after = toWebhookView(await this.subscriptions.update(id, changes, tx));
      await this.audit.record(
        {
          actor,
          action: 'webhook.updated',
          subject: { type: 'webhook', id },
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
  async delete(id: string, actor: AuditActor): Promise<void> {
    await this.transactions.run(async (tx) => {
      const before = toWebhookView(await this.require(id, tx, true));
      await this.subscriptions.delete(id, tx);
      await this.audit.record(
        { actor, action: 'webhook.deleted', subject: { type: 'webhook', id }, before },
        tx,
      );
    });
  }

  /** The delivery log, newest first, keyset-paged on (created_at, id). */
  async deliveriesOf(id: string, filters: DeliveryListFilters = {}): Promise<DeliveryPage> {
    await this.require(id);
    const limit = filters.limit ?? DELIVERY_PAGE_LIMIT.default;
    const rows = await this.deliveries.list({
      subscriptionId: id,
      status: filters.status,
      eventType: filters.eventType,
      before: filters.cursor === undefined ? undefined : decodeCursor(filters.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toDeliveryView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAtKey, last.id) : null,
    };
  }

  /**
   * Sends a finished delivery again as a new delivery (its own attempts, a fresh timestamp and
   * signature) with the same event id and payload, so receivers can tell it is the same event.
   */
  async redeliver(id: string, deliveryId: string, actor: AuditActor): Promise<DeliveryView> {
    checkUuid(deliveryId, 'deliveryId', 'a delivery id');
    return this.transactions.run(async (tx) => {
      const subscription = await this.require(id, tx, true);
      const original = await this.deliveries.find(deliveryId, tx);
      if (!original || original.subscriptionId !== id) throw deliveryNotFound(id, deliveryId);
      if (original.status === 'pending') {
        throw new AirlockError(
          'CONFLICT',
          `Delivery ${deliveryId} is still being attempted; redeliver it once it is delivered or failed`,
          { details: { id: deliveryId, status: original.status } },
        );
      }
      if (!subscription.enabled) {
        throw new AirlockError('CONFLICT', `Webhook ${id} is disabled; enable it first`, {
          details: { id },
        });
      }
      const [newId] = await this.deliveries.insertMany(
        [
          {
            subscriptionId: id,
            eventId: original.eventId,
            eventType: original.eventType,
            payload: original.payload,
            redeliveryOf: original.id,
          },
        ],
        tx,
      );
      this.afterCommit.register(tx, () => void this.jobs.enqueueAfterCommit([newId!]));
      const view = toDeliveryView((await this.deliveries.find(newId!, tx))!);
      const { payload: _payload, ...summary } = view;
      await this.audit.record(
        {
          actor,
          action: 'webhook.redelivered',
          subject: { type: 'webhook_delivery', id: newId! },
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
    const row = await this.subscriptions.find(checkUuid(id, 'id', 'a webhook id'), tx, lock);
    if (!row) throw new AirlockError('NOT_FOUND', `No webhook ${id}`, { details: { id } });
    return row;
  }
}

function deliveryNotFound(id: string, deliveryId: string): AirlockError {
  return new AirlockError('NOT_FOUND', `Webhook ${id} has no delivery ${deliveryId}`, {
    details: { id, deliveryId },
  });
}
