import { AuditModule } from '@airlock/audit';
import { CryptoModule } from '@airlock/crypto';
import { Module } from '@nestjs/common';
import { EventsService } from './events.service';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookJobs } from './webhook-jobs';
import { WebhookSweeper } from './webhook-sweeper';
import { WebhookProcessor } from './webhook.processor';
import { WebhooksService } from './webhooks.service';

/** Publishing events (the outbox): what feature services import. Repositories are global. */
@Module({ providers: [EventsService, WebhookJobs], exports: [EventsService, WebhookJobs] })
export class EventsModule {}

/** Webhook subscriptions, the delivery log and redelivery (the API side). */
@Module({
  imports: [EventsModule, AuditModule, CryptoModule],
  providers: [WebhooksService],
  exports: [WebhooksService],
})
export class WebhooksModule {}

/** The worker side: the `webhook` queue's processor and the sweep for deliveries without a job. */
@Module({
  imports: [EventsModule, CryptoModule],
  providers: [WebhookDeliverer, WebhookProcessor, WebhookSweeper],
  exports: [WebhookDeliverer, WebhookSweeper],
})
export class EventsWorkerModule {}
