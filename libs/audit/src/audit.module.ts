import { Module } from '@nestjs/common';
import { AuditService } from './audit.service';

/** Import where a service records changes; the repository comes from the global PersistenceModule. */
@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
