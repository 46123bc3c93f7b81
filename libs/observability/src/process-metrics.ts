import { collectDefaultMetrics, Registry } from 'prom-client';
import { Metrics } from './metrics';

/**
 * The process's one registry, with prom-client's process metrics (CPU, memory, event loop, GC)
 * next to Airlock's, and its instruments: made once, whatever imports this lib.
 */
function createProcessMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'airlock_' });
  return new Metrics(registry);
}

/** What the ObservabilityModule provides as `Metrics`. */
export const PROCESS_METRICS = createProcessMetrics();
