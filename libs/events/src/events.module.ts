import { AuditModule } from '@airlock/audit';
import { CryptoModule } from '@airlock/crypto';
import { Module } from '@nestjs/common';
import { AxiosWebhookTransport } from './axios-webhook-transport';
import { EventsService } from './events.service';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookJobs } from './webhook-jobs';
import { WebhookSubscriptionRepository } from './webhook-subscription.repository';
import { WebhookSweeper } from './webhook-sweeper';
import { WebhookTransport } from './webhook-transport';
import { WebhookProcessor } from './webhook.processor';
import { WebhooksService } from './webhooks.service';

/** Publishing events (the outbox): what feature services import. The rows stay inside. */
@Module({
  providers: [EventsService, WebhookJobs, WebhookDeliveryRepository],
  exports: [EventsService, WebhookJobs],
})
export class EventsModule {}

/** Webhook subscriptions, the delivery log and redelivery (the API side). */
@Module({
  imports: [EventsModule, AuditModule, CryptoModule],
  providers: [WebhooksService, WebhookSubscriptionRepository, WebhookDeliveryRepository],
  exports: [WebhooksService],
})
export class WebhooksModule {}

/** The worker side: the `webhook` queue's processor and the sweep for deliveries without a job. */
@Module({
  imports: [EventsModule, CryptoModule],
  providers: [
    WebhookDeliverer,
    WebhookProcessor,
    WebhookSweeper,
    WebhookDeliveryRepository,
    { provide: WebhookTransport, useClass: AxiosWebhookTransport },
  ],
  exports: [WebhookDeliverer, WebhookSweeper],
})
export class EventsWorkerModule {}
