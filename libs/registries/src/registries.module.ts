import { AuditModule } from '@airlock/audit';
import { CryptoModule } from '@airlock/crypto';
import { Module } from '@nestjs/common';
import { RegistriesService } from './registries.service';
import { RegistryClientFactory } from './registry-client-factory';

/** Registries and clients for them; repositories come from the global PersistenceModule. */
@Module({
  imports: [AuditModule, CryptoModule],
  providers: [RegistriesService, RegistryClientFactory],
  exports: [RegistriesService, RegistryClientFactory],
})
export class RegistriesModule {}
