import { AppConfig, ConfigModule } from '@airlock/config';
import { ObservabilityModule } from '@airlock/observability';
import { PersistenceModule } from '@airlock/persistence';
import { QueueModule } from '@airlock/queue';
import { Module, type DynamicModule } from '@nestjs/common';

/** What every Airlock process shares: validated config, its metrics, the Postgres pool, queue producers. */
@Module({})
export class InfrastructureModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      imports: [ConfigModule.forRoot(config), ObservabilityModule, PersistenceModule, QueueModule],
    };
  }
}
