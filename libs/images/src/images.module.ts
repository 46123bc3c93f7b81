import { AuditModule } from '@airlock/audit';
import { EventsModule } from '@airlock/events';
import { GatesModule } from '@airlock/gates';
import { RegistriesModule } from '@airlock/registries';
import { Module } from '@nestjs/common';
import { BaseDriftService } from './base-drift.service';
import { ImagesService } from './images.service';

/** Image registration and lookup; repositories come from the global PersistenceModule. */
@Module({
  imports: [AuditModule, EventsModule, GatesModule, RegistriesModule],
  providers: [ImagesService, BaseDriftService],
  exports: [ImagesService, BaseDriftService],
})
export class ImagesModule {}
