import { AuditModule } from '@airlock/audit';
import { EventsModule } from '@airlock/events';
import { Module } from '@nestjs/common';
import { GatesService } from './gates.service';

/** The gate ledger. Repositories come from the global PersistenceModule. */
@Module({
  imports: [AuditModule, EventsModule],
  providers: [GatesService],
  exports: [GatesService],
})
export class GatesModule {}
