export { boundShutdown, loadConfigOrExit, prepareDatabase, runMain } from './boot';
export { InfrastructureModule } from './infrastructure.module';
export { createLogger } from './logger';
