import { AuditModule } from '@airlock/audit';
import { Module } from '@nestjs/common';
import { GatesService } from './gates.service';

/** The gate ledger. Repositories come from the global PersistenceModule. */
@Module({ imports: [AuditModule], providers: [GatesService], exports: [GatesService] })
export class GatesModule {}
