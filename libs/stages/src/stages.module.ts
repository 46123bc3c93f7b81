import { AuditModule } from '@airlock/audit';
import { RegistriesModule } from '@airlock/registries';
import { Module } from '@nestjs/common';
import { StageRepository } from './stage.repository';
import { StagesService } from './stages.service';

/** Stages: their rows stay inside; other features ask StagesService. */
@Module({
  imports: [AuditModule, RegistriesModule],
  providers: [StageRepository, StagesService],
  exports: [StagesService],
})
export class StagesModule {}
