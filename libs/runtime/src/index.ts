export { boundShutdown, loadConfigOrExit, prepareDatabase, runMain } from './boot';
export { InfrastructureModule } from './infrastructure.module';
export { createLogger, JsonLogger } from './logger';
export { serveWorkerMetrics } from './metrics-server';
