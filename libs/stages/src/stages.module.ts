import { AuditModule } from '@airlock/audit';
import { Module } from '@nestjs/common';
import { StagesService } from './stages.service';

/** Stages; repositories come from the global PersistenceModule. */
@Module({ imports: [AuditModule], providers: [StagesService], exports: [StagesService] })
export class StagesModule {}
