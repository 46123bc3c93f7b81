export { currentLogContext, withLogContext, type LogFields } from './log-context';
export { scrubSecrets } from './secret-scrubber';
export { METRICS, metricsRegistry } from './metrics';
