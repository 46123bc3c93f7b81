import { Test } from '@nestjs/testing';
import { Metrics } from './metrics';
import { ObservabilityModule } from './observability.module';

describe('ObservabilityModule', () => {
  it("provides the process's one Metrics, with process metrics on its registry", async () => {
    const module = await Test.createTestingModule({ imports: [ObservabilityModule] }).compile();
    const again = await Test.createTestingModule({ imports: [ObservabilityModule] }).compile();
    const metrics = module.get(Metrics);
    expect(again.get(Metrics)).toBe(metrics);
    metrics.promotions.inc({ stage: 'prod', outcome: 'succeeded' });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^airlock_promotions_total\{stage="prod",outcome="succeeded"\} 1$/m);
    expect(text).toMatch(/^airlock_process_cpu_seconds_total /m);
  });
});
