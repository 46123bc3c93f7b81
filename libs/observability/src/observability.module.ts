import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics';
import { PROCESS_METRICS } from './process-metrics';

/**
 * Provides the process's `Metrics` to every module (InfrastructureModule imports it into every
 * root), so the API's /metrics, a worker's metrics server and whatever counts read and write one
 * registry.
 */
@Global()
@Module({ providers: [{ provide: Metrics, useValue: PROCESS_METRICS }], exports: [Metrics] })
export class ObservabilityModule {}
