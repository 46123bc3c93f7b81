import { ImagesModule } from '@airlock/images';
import { RegistriesModule } from '@airlock/registries';
import { Module } from '@nestjs/common';
import { RegistriesController } from './registries.controller';
import { RegistryNotificationsController } from './registry-notifications.controller';

@Module({
  imports: [RegistriesModule, ImagesModule],
  controllers: [RegistriesController, RegistryNotificationsController],
})
export class RegistriesApiModule {}
