import { RegistriesModule } from '@airlock/registries';
import { Module } from '@nestjs/common';
import { RegistriesController } from './registries.controller';

@Module({ imports: [RegistriesModule], controllers: [RegistriesController] })
export class RegistriesApiModule {}
