import { AuditModule } from '@airlock/audit';
import { CryptoModule } from '@airlock/crypto';
import { Module } from '@nestjs/common';
import { RegistriesService } from './registries.service';
import { RegistryClientFactory } from './registry-client-factory';
import { RegistryRepository } from './registry.repository';

/** Registries and clients for them: their rows stay inside; other features ask RegistriesService. */
@Module({
  imports: [AuditModule, CryptoModule],
  providers: [RegistryRepository, RegistriesService, RegistryClientFactory],
  exports: [RegistriesService, RegistryClientFactory],
})
export class RegistriesModule {}
