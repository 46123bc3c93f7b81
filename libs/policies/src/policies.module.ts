import { AuditModule } from '@airlock/audit';
import { GatesModule } from '@airlock/gates';
import { StagesModule } from '@airlock/stages';
import { Module } from '@nestjs/common';
import { PoliciesService } from './policies.service';
import { PolicyRepository } from './policy.repository';
import { ReadinessService } from './readiness.service';

/** Stage policies and readiness: the rows stay inside; other features ask the services. */
@Module({
  imports: [AuditModule, GatesModule, StagesModule],
  providers: [PolicyRepository, PoliciesService, ReadinessService],
  exports: [PoliciesService, ReadinessService],
})
export class PoliciesModule {}
