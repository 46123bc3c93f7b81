import { AppConfig } from '@airlock/config';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source-options';
import { DatabaseHealth } from './database-health';

/** The DataSource for the whole process. Migrations run before the app is built, never here. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config),
        // Keep retrying in the background instead of failing the boot on a blip.
        retryAttempts: 10,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [DatabaseHealth],
  exports: [DatabaseHealth, TypeOrmModule],
})
export class PersistenceModule {}
