import { AdminBootstrapModule, AuthModule } from '@airlock/auth';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AttestationsApiModule } from './attestations/attestations-api.module';
import { AuditApiModule } from './audit/audit-api.module';
import { AuthGuard } from './auth/auth.guard';
import { BoardApiModule } from './board/board-api.module';
import { GatesApiModule } from './gates/gates-api.module';
import { ImagesApiModule } from './images/images-api.module';
import { IntegrityApiModule } from './integrity/integrity-api.module';
import { HealthModule } from './health/health.module';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { RequestIdMiddleware } from './http/request-id.middleware';
import { RequestValidationPipe } from './http/validation';
import { WriteRateLimitGuard } from './http/write-rate-limit.guard';
import { MirrorApiModule } from './mirror/mirror-api.module';
import { PoliciesApiModule } from './policies/policies-api.module';
import { PromotionsApiModule } from './promotions/promotions-api.module';
import { QueueDashboardModule } from './queues/queue-dashboard.module';
import { RegistriesApiModule } from './registries/registries-api.module';
import { StagesApiModule } from './stages/stages-api.module';
import { TokensApiModule } from './tokens/tokens-api.module';
import { WebhooksApiModule } from './webhooks/webhooks-api.module';

/** The HTTP API: controllers and their edge concerns. Infrastructure comes from the entry point. */
@Module({
  imports: [
    HealthModule,
    AuthModule,
    AdminBootstrapModule,
    TokensApiModule,
    AttestationsApiModule,
    AuditApiModule,
    BoardApiModule,
    GatesApiModule,
    ImagesApiModule,
    IntegrityApiModule,
    MirrorApiModule,
    PoliciesApiModule,
    PromotionsApiModule,
    QueueDashboardModule,
    RegistriesApiModule,
    StagesApiModule,
    WebhooksApiModule,
  ],
  providers: [
    // Installed by configureHttpApp as the first Express middleware (http-app.ts).
    RequestIdMiddleware,
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useClass: RequestValidationPipe },
    // Every route needs a token unless it is @Public(); roles per @Roles().
    { provide: APP_GUARD, useClass: AuthGuard },
    // After authentication (guards run in this order): writes are counted per token.
    { provide: APP_GUARD, useClass: WriteRateLimitGuard },
  ],
})
export class ApiModule {}
