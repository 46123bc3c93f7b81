import type { AppConfig } from '@airlock/config';
import { MIGRATIONS } from '@airlock/migrations';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { PipelinedClient } from './pipelined-client';

/**
 * The one description of how Airlock talks to Postgres. `synchronize` is off everywhere, tests
 * included: the schema changes only through migrations/.
 */
export function dataSourceOptions(config: Pick<AppConfig, 'databaseUrl'>): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: ['error'],
    extra: {
      // A readiness probe must answer, not hang, while Postgres is unreachable.
      connectionTimeoutMillis: 5000,
      max: 10,
      application_name: 'airlock',
      Client: PipelinedClient,
    },
  };
}
