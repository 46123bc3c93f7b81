import { AttestationsModule } from '@airlock/attestations';
import { AuditModule, AuditService } from '@airlock/audit';
import { CopyModule } from '@airlock/copy/nest';
import { EventsModule, EventsService } from '@airlock/events';
import { GatesModule } from '@airlock/gates';
import { ImagesModule, TagLedger } from '@airlock/images';
import { Metrics } from '@airlock/observability';
import { PoliciesModule } from '@airlock/policies';
import { RegistriesModule } from '@airlock/registries';
import { StagesModule } from '@airlock/stages';
import { Module } from '@nestjs/common';
import { IdempotencyKeyRepository } from './idempotency-key.repository';
import { PromotionIntakeService } from './promotion-intake.service';
import { PromotionJobs } from './promotion-jobs';
import { PromotionLifecycleService } from './promotion-lifecycle.service';
import { LandedDigestsRepository } from './landed-digests.repository';
import { WatchedPromotionsRepository } from './watched-promotions.repository';
import { EndWatch } from './end-watch';
import { PromotionLanding } from './promotion-landing';
import { PromotionQueriesService } from './promotion-queries.service';
import { PromotionReconciler } from './promotion-reconciler';
import { PromotionResolver } from './promotion-resolver';
import { PromotionRunner } from './promotion-runner';
import { PromotionTransitions } from './promotion-transitions';
import { PromotionProcessor } from './promotion.processor';
import { PromotionRepository } from './promotion.repository';
import { IdempotentRequests } from './idempotent-requests';
import { PromotionAdmission } from './promotion-admission';
import { ReleaseCommitter } from './releases/release-committer';
import { ReleaseIntakeService } from './releases/release-intake.service';
import { ReleaseJobs } from './releases/release-jobs';
import { ReleaseLifecycleService } from './releases/release-lifecycle.service';
import { ReleaseQueries } from './releases/release-queries';
import { ReleaseSettlement } from './releases/release-settlement';
import { ReleaseProcessor } from './releases/release.processor';
import { ReleaseRepository } from './releases/release.repository';

/**
 * Shared by the API and worker sides: the promotion tables' repositories (seen by this lib's
 * modules only), the process's CopyEngine (plans, copies), the job producer and the state
 * machine's transitions (requests claim, the API cancels and retries, the worker fails and
 * settles).
 */
@Module({
  imports: [CopyModule, AuditModule, EventsModule, ImagesModule],
  providers: [
    PromotionRepository,
    IdempotencyKeyRepository,
    PromotionJobs,
    ReleaseRepository,
    ReleaseJobs,
    ReleaseQueries,
    ReleaseSettlement,
    {
      provide: PromotionTransitions,
      useFactory: (
        promotions: PromotionRepository,
        tagLedger: TagLedger,
        audit: AuditService,
        events: EventsService,
        metrics: Metrics,
      ) => new PromotionTransitions(promotions, tagLedger, audit, events, metrics),
      inject: [PromotionRepository, TagLedger, AuditService, EventsService, Metrics],
    },
  ],
  exports: [
    CopyModule,
    PromotionRepository,
    IdempotencyKeyRepository,
    PromotionJobs,
    PromotionTransitions,
    ReleaseRepository,
    ReleaseJobs,
    ReleaseQueries,
    ReleaseSettlement,
  ],
})
class PromotionCoreModule {}

/** Promotion requests, their lifecycle (cancel, retry) and queries (the API side). */
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
  providers: [
    IdempotentRequests,
    PromotionResolver,
    PromotionAdmission,
    PromotionIntakeService,
    PromotionLifecycleService,
    PromotionQueriesService,
    LandedDigestsRepository,
    WatchedPromotionsRepository,
    EndWatch,
    ReleaseIntakeService,
    ReleaseLifecycleService,
    // Stateless; the core module's instance serves the worker side, which exports nothing to the API.
    ReleaseQueries,
  ],
  exports: [
    EndWatch,
    PromotionIntakeService,
    PromotionLifecycleService,
    PromotionQueriesService,
    ReleaseIntakeService,
    ReleaseLifecycleService,
    ReleaseQueries,
  ],
})
export class PromotionsModule {}

/** The worker side: the `promotion` queue's processor and the reconciler. */
@Module({
  imports: [PromotionCoreModule, ImagesModule, RegistriesModule, AttestationsModule],
  providers: [
    PromotionLanding,
    PromotionRunner,
    PromotionProcessor,
    PromotionReconciler,
    ReleaseCommitter,
    ReleaseProcessor,
  ],
  exports: [PromotionRunner, PromotionReconciler],
})
export class PromotionsWorkerModule {}
