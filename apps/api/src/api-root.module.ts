import type { AppConfig } from '@airlock/config';
import { InfrastructureModule } from '@airlock/runtime';
import { Module, type DynamicModule } from '@nestjs/common';
import { ApiModule } from './api.module';

/** The API process: infrastructure + HTTP, no queue consumers. */
@Module({})
export class ApiRootModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ApiRootModule, imports: [InfrastructureModule.forRoot(config), ApiModule] };
  }
}
