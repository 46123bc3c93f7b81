import { AuditModule } from '@airlock/audit';
import { EventsModule } from '@airlock/events';
import { ImagesModule } from '@airlock/images';
import { PoliciesModule } from '@airlock/policies';
import { PromotionsModule } from '@airlock/promotions';
import { RegistriesModule } from '@airlock/registries';
import { Module } from '@nestjs/common';
import { FindingRecorder } from './finding-recorder';
import { IntegrityAudit } from './integrity-audit';
import { IntegrityLedger } from './integrity-ledger';
import { IntegrityRunRecovery } from './integrity-run-recovery';
import { IntegrityScheduleReconciler } from './integrity-schedule-reconciler';
import { IntegritySchedules } from './integrity-schedules';
import { IntegrityProcessor } from './integrity.processor';
import { IntegrityRepository } from './integrity.repository';
import { IntegrityService } from './integrity.service';
import { RegistryAuditLock } from './registry-audit-lock';

/** The integrity audit's runs and findings (the API side). Their rows stay inside. */
@Module({
  imports: [AuditModule, RegistriesModule],
  providers: [IntegrityRepository, IntegritySchedules, IntegrityService],
  exports: [IntegrityService],
})
export class IntegrityModule {}

/** The worker side: the `integrity` queue's processor and the schedule reconcile pass. */
@Module({
  imports: [EventsModule, ImagesModule, PoliciesModule, PromotionsModule, RegistriesModule],
  providers: [
    IntegrityRepository,
    RegistryAuditLock,
    IntegrityLedger,
    FindingRecorder,
    IntegrityAudit,
    IntegrityProcessor,
    IntegritySchedules,
    IntegrityRunRecovery,
    IntegrityScheduleReconciler,
  ],
  exports: [IntegrityAudit],
})
export class IntegrityWorkerModule {}
