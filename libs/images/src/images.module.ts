import { AuditModule } from '@airlock/audit';
import { EventsModule } from '@airlock/events';
import { GatesModule } from '@airlock/gates';
import { RegistriesModule } from '@airlock/registries';
import { Module } from '@nestjs/common';
import { BaseDriftService } from './base-drift.service';
import { DriftRepository } from './drift.repository';
import { ImageReferrers } from './image-referrers';
import { ImageRepository } from './image.repository';
import { ImagesService } from './images.service';
import { TagLedger } from './tag-ledger';
import { TagLedgerRepository } from './tag-ledger.repository';

/**
 * Images, base drift and the tag ledger: their rows stay inside; other features ask
 * ImagesService, BaseDriftService (the drift report) and TagLedger (tags and tag claims).
 */
@Module({
  imports: [AuditModule, EventsModule, GatesModule, RegistriesModule],
  providers: [
    ImageRepository,
    DriftRepository,
    TagLedgerRepository,
    ImagesService,
    ImageReferrers,
    BaseDriftService,
    TagLedger,
  ],
  exports: [ImagesService, ImageReferrers, BaseDriftService, TagLedger],
})
export class ImagesModule {}
