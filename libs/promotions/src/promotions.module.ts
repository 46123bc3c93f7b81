import { AuditModule } from '@airlock/audit';
import { CopyModule } from '@airlock/copy/nest';
import { EventsModule } from '@airlock/events';
import { GatesModule } from '@airlock/gates';
import { ImagesModule } from '@airlock/images';
import { PoliciesModule } from '@airlock/policies';
import { RegistriesModule } from '@airlock/registries';
import { StagesModule } from '@airlock/stages';
import { Module } from '@nestjs/common';
import { PromotionJobs } from './promotion-jobs';
import { PromotionReconciler } from './promotion-reconciler';
import { PromotionRunner } from './promotion-runner';
import { PromotionProcessor } from './promotion.processor';
import { PromotionsService } from './promotions.service';

/** Shared by the API and worker sides: the process's CopyEngine (plans, copies) and the job producer. */
@Module({
  imports: [CopyModule],
  providers: [PromotionJobs],
  exports: [CopyModule, PromotionJobs],
})
class PromotionCoreModule {}

/** Promotion requests, status, cancel and retry (the API side). */
@Module({
  imports: [
    PromotionCoreModule,
    AuditModule,
    EventsModule,
    GatesModule,
    ImagesModule,
    PoliciesModule,
    RegistriesModule,
    StagesModule,
  ],
  providers: [PromotionsService],
  exports: [PromotionsService],
})
export class PromotionsModule {}

/** The worker side: the `promotion` queue's processor and the reconciler. */
@Module({
  imports: [PromotionCoreModule, AuditModule, EventsModule, ImagesModule, RegistriesModule],
  providers: [PromotionRunner, PromotionProcessor, PromotionReconciler],
  exports: [PromotionRunner, PromotionReconciler],
})
export class PromotionsWorkerModule {}
