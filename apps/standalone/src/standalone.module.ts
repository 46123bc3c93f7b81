import type { AppConfig } from '@airlock/config';
import { InfrastructureModule } from '@airlock/runtime';
import { Module, type DynamicModule } from '@nestjs/common';
// The one place that composes the two apps: a single process for a single machine.
import { ApiModule } from '../../api/src/api.module';
import { WorkerModule } from '../../worker/src/worker.module';

@Module({})
export class StandaloneModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: StandaloneModule,
      imports: [InfrastructureModule.forRoot(config), ApiModule, WorkerModule],
    };
  }
}
