import { Module } from '@nestjs/common';
import { AuditChain } from './audit-chain';
import { AuditEventRepository } from './audit-event.repository';
import { AuditService } from './audit.service';

/** Import where a service records changes: the log's rows stay inside, AuditService is the way in. */
@Module({
  providers: [AuditEventRepository, AuditService, AuditChain],
  exports: [AuditService, AuditChain],
})
export class AuditModule {}
