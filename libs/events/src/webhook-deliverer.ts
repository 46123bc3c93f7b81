import { SecretBox } from '@airlock/crypto';
import { AirlockError } from '@airlock/errors';
import { Metrics } from '@airlock/observability';
import { Injectable, Logger } from '@nestjs/common';
import { envelopeBody } from './event-envelope';
import {
  WebhookDeliveryRepository,
  type WebhookDeliveryTarget,
} from './webhook-delivery.repository';
import { secretContext } from './webhook-rules';
import { signedPost, verdictOf } from './webhook-sender';
import { WebhookTransport, type WebhookResponse } from './webhook-transport';

export type DeliveryOutcome = 'delivered' | 'failed' | 'skipped';

/**
 * Sends one delivery and records the attempt on its row. A retryable failure leaves it pending
 * and throws a retryable error, so the queue tries again with its backoff; a permanent one (or
 * the last attempt) fails it.
 */
@Injectable()
export class WebhookDeliverer {
  private readonly logger = new Logger(WebhookDeliverer.name);

  constructor(
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly box: SecretBox,
    private readonly transport: WebhookTransport,
    private readonly metrics: Metrics,
  ) {}

  async deliver(deliveryId: string, context: { finalAttempt: boolean }): Promise<DeliveryOutcome> {
    const target = await this.deliveries.findTarget(deliveryId);
    // Gone with its subscription, or settled already (a duplicate job): nothing to send.
    if (!target || target.status !== 'pending') return 'skipped';
    if (!target.enabled) {
      await this.deliveries.fail(deliveryId, 'the webhook was disabled before delivery');
      return 'failed';
    }
    const response = await this.send(target);
    const verdict = verdictOf(response.statusCode);
    const status =
      verdict === 'delivered'
        ? 'delivered'
        : verdict === 'permanent' || context.finalAttempt
          ? 'failed'
          : 'pending';
    await this.deliveries.recordAttempt(deliveryId, { ...response, status });
    this.metrics.webhookDeliveries.inc({ outcome: status === 'pending' ? 'retrying' : status });
    this.logger.log(
      `webhook delivery ${deliveryId} (${target.eventType}) to subscription ${target.subscriptionId}: ` +
        `${response.statusCode ?? response.error} → ${status}`,
    );
    if (status !== 'pending') return status;
    throw new AirlockError('DEPENDENCY_UNAVAILABLE', `webhook receiver: ${response.error}`);
  }

  private async send(target: WebhookDeliveryTarget): Promise<WebhookResponse> {
    let secret: string;
    try {
      secret = this.box.openString(target.secretCiphertext, secretContext(target.subscriptionId));
    } catch (error) {
      // E.g. AIRLOCK_SECRET_KEY missing on this worker: retried, it may be fixed meanwhile.
      return { statusCode: null, error: (error as Error).message.slice(0, 300), responseMs: 0 };
    }
    return this.transport.post(
      signedPost({
        url: target.url,
        secret,
        deliveryId: target.id,
        eventType: target.eventType,
        body: envelopeBody(target.payload),
      }),
    );
  }
}
