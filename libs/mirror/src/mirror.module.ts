import { AuditModule } from '@airlock/audit';
import { CopyModule } from '@airlock/copy/nest';
import { EventsModule } from '@airlock/events';
import { ImagesModule } from '@airlock/images';
import { RegistriesModule } from '@airlock/registries';
import { Module } from '@nestjs/common';
import { MirrorRulesService } from './mirror-rules.service';
import { MirrorScheduleReconciler } from './mirror-schedule-reconciler';
import { MirrorSchedules } from './mirror-schedules';
import { MirrorSync } from './mirror-sync';
import { MirrorProcessor } from './mirror.processor';
import { UpstreamClients } from './upstream-clients';

/** Mirror rules, their schedules and history (the API side). */
@Module({
  imports: [AuditModule, RegistriesModule],
  providers: [MirrorRulesService, MirrorSchedules],
  exports: [MirrorRulesService],
})
export class MirrorModule {}

/** The worker side: the `mirror` queue's processor and the schedule reconcile pass. */
@Module({
  imports: [AuditModule, CopyModule, EventsModule, ImagesModule, RegistriesModule],
  providers: [
    MirrorSchedules,
    MirrorSync,
    MirrorProcessor,
    MirrorScheduleReconciler,
    UpstreamClients,
  ],
  exports: [MirrorSync, MirrorSchedules],
})
export class MirrorWorkerModule {}
