import { Test } from '@nestjs/testing';
import { Metrics } from './metrics';
import { ObservabilityModule } from './observability.module';
import { METRICS } from './process-metrics';

describe('ObservabilityModule', () => {
  it("provides the process's Metrics: the instruments METRICS counts on, with process metrics", async () => {
    const module = await Test.createTestingModule({ imports: [ObservabilityModule] }).compile();
    const metrics = module.get(Metrics);
    expect(metrics).toBe(METRICS);
    METRICS.promotions.inc({ stage: 'prod', outcome: 'succeeded' });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^airlock_promotions_total\{stage="prod",outcome="succeeded"\} 1$/m);
    expect(text).toMatch(/^airlock_process_cpu_seconds_total /m);
  });
});
