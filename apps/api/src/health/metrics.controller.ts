import { Metrics } from '@airlock/observability';
import { QueueMetrics } from '@airlock/queue';
import { Controller, Get, Logger, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';

/**
 * Prometheus' scrape target (text exposition format, so not part of the JSON API's OpenAPI
 * document; docs/operations.md lists the metrics). Public like /healthz: keep it on the internal
 * network. Queue gauges are read from Redis at scrape time.
 */
@Public()
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  private readonly logger = new Logger(MetricsController.name);

  constructor(
    private readonly queues: QueueMetrics,
    private readonly metrics: Metrics,
  ) {}

  @Get()
  async scrape(@Res({ passthrough: true }) response: Response): Promise<string> {
    // Redis down: serve the rest; the stale queue gauges are better than no metrics at all.
    await this.queues.refresh().catch((error: unknown) => {
      this.logger.warn(`queue metrics not refreshed: ${(error as Error).message}`);
    });
    const { registry } = this.metrics;
    response.setHeader('Content-Type', registry.contentType);
    return registry.metrics();
  }
}
