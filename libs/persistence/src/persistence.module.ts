import { AppConfig } from '@airlock/config';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source-options';
import { DatabaseHealth } from './database-health';
import { Database } from './sql/database';
import { PromotionRepository } from './repositories/promotion.repository';
import { IdempotencyKeyRepository } from './repositories/idempotency-key.repository';
import { WebhookAfterCommit } from './repositories/webhook-after-commit';
import { TransactionRunner } from './transaction-runner';

const REPOSITORIES = [PromotionRepository, IdempotencyKeyRepository, WebhookAfterCommit];

/**
 * The DataSource for the whole process, the repositories over it and the transaction runner.
 * This lib is the only one that imports TypeORM: feature libs reach tables through these
 * repositories. Migrations run before the app is built, never here.
 */
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
  providers: [Database, DatabaseHealth, TransactionRunner, ...REPOSITORIES],
  exports: [Database, DatabaseHealth, TypeOrmModule, TransactionRunner, ...REPOSITORIES],
})
export class PersistenceModule {}
