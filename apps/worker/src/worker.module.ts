import { EventsWorkerModule } from '@airlock/events';
import { IntegrityWorkerModule } from '@airlock/integrity';
import { MirrorWorkerModule } from '@airlock/mirror';
import { PromotionsWorkerModule } from '@airlock/promotions';
import { WorkerHostModule } from '@airlock/queue';
import { Module } from '@nestjs/common';

/**
 * The queue consumers. Feature modules that own a @JobProcessor are imported here; the
 * WorkerHost discovers them at boot and starts one BullMQ Worker per queue.
 */
@Module({
  imports: [
    WorkerHostModule,
    PromotionsWorkerModule,
    EventsWorkerModule,
    MirrorWorkerModule,
    IntegrityWorkerModule,
  ],
})
export class WorkerModule {}
