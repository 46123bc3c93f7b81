import { WebhooksModule } from '@airlock/events';
import { Module } from '@nestjs/common';
import { WebhooksController } from './webhooks.controller';

@Module({ imports: [WebhooksModule], controllers: [WebhooksController] })
export class WebhooksApiModule {}
