export { currentLogContext, withLogContext, type LogFields } from './log-context';
export { scrubSecrets } from './secret-scrubber';
export { Metrics } from './metrics';
export { ObservabilityModule } from './observability.module';
