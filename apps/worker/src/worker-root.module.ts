import type { AppConfig } from '@airlock/config';
import { InfrastructureModule } from '@airlock/runtime';
import { Module, type DynamicModule } from '@nestjs/common';
import { WorkerModule } from './worker.module';

/** The worker process: infrastructure + queue consumers, no HTTP listener. */
@Module({})
export class WorkerRootModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerRootModule,
      imports: [InfrastructureModule.forRoot(config), WorkerModule],
    };
  }
}
