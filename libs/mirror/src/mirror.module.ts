import { AuditModule } from '@airlock/audit';
import { CopyModule } from '@airlock/copy/nest';
import { EventsModule } from '@airlock/events';
import { ImagesModule } from '@airlock/images';
import { RegistriesModule } from '@airlock/registries';
import { Module } from '@nestjs/common';
import { MirrorRuleLock } from './mirror-rule-lock';
import { MirrorRulesService } from './mirror-rules.service';
import { MirrorScheduleReconciler } from './mirror-schedule-reconciler';
import { MirrorSchedules } from './mirror-schedules';
import { MirrorSync } from './mirror-sync';
import { MirrorProcessor } from './mirror.processor';
import { MirrorRepository } from './mirror.repository';
import { UpstreamClients } from './upstream-clients';

/** Mirror rules, their schedules and history (the API side). Their rows stay inside. */
@Module({
  imports: [AuditModule, RegistriesModule],
  providers: [MirrorRepository, MirrorRulesService, MirrorSchedules],
  exports: [MirrorRulesService],
})
export class MirrorModule {}

/** The worker side: the `mirror` queue's processor and the schedule reconcile pass. */
@Module({
  imports: [AuditModule, CopyModule, EventsModule, ImagesModule, RegistriesModule],
  providers: [
    MirrorRepository,
    MirrorRuleLock,
    MirrorSchedules,
    MirrorSync,
    MirrorProcessor,
    MirrorScheduleReconciler,
    UpstreamClients,
  ],
  exports: [MirrorSync, MirrorSchedules],
})
export class MirrorWorkerModule {}
