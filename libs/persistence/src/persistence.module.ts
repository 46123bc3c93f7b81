import { AppConfig } from '@airlock/config';
import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import { DatabaseHealth } from './database-health';
import { createPool, DATABASE_POOL } from './pool';
import { Database } from './sql/database';
import { TransactionRunner } from './transaction-runner';
import { SessionLocks } from './session-locks';

/** Ends the pool when the application shuts down, after every client went back to it. */
@Injectable()
export class PoolLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}

/**
 * The process's pg Pool, the one query primitive over it (Database), transactions and the health
 * probe. Global because every feature's repository needs Database and TransactionRunner; it
 * exports no repository (features own theirs). Migrations run before the app is built, never here.
 */
@Global()
@Module({
  providers: [
    {
      provide: DATABASE_POOL,
      inject: [AppConfig],
      useFactory: (config: AppConfig): Pool => createPool(config),
    },
    PoolLifecycle,
    Database,
    DatabaseHealth,
    TransactionRunner,
    SessionLocks,
  ],
  exports: [DATABASE_POOL, Database, DatabaseHealth, TransactionRunner, SessionLocks],
})
export class PersistenceModule {}
