import { AuditModule } from '@airlock/audit';
import { GatesModule } from '@airlock/gates';
import { StagesModule } from '@airlock/stages';
import { Module } from '@nestjs/common';
import { PoliciesService } from './policies.service';
import { ReadinessService } from './readiness.service';

/** Stage policies and readiness. Repositories come from the global PersistenceModule. */
@Module({
  imports: [AuditModule, GatesModule, StagesModule],
  providers: [PoliciesService, ReadinessService],
  exports: [PoliciesService, ReadinessService],
})
export class PoliciesModule {}
