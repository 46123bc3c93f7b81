import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AppConfig } from './app-config';

/**
 * Provides the validated AppConfig everywhere. Entry points call `loadConfig()` before they
 * build the Nest application, so a bad variable stops the process before anything connects.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
