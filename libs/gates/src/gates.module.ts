import { AuditModule } from '@airlock/audit';
import { EventsModule } from '@airlock/events';
import { Module } from '@nestjs/common';
import { DigestPrincipalRepository } from './digest-principal.repository';
import { GateResultRepository } from './gate-result.repository';
import { GatesService } from './gates.service';

/** The gate ledger: its rows stay inside; other features ask GatesService. */
@Module({
  imports: [AuditModule, EventsModule],
  providers: [GateResultRepository, DigestPrincipalRepository, GatesService],
  exports: [GatesService],
})
export class GatesModule {}
