import { DatabaseHealth } from '@airlock/persistence';
import { RedisHealth, WorkerLiveness } from '@airlock/queue';
import { AirlockError } from '@airlock/errors';
import { Controller, Get } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { Public } from '../auth/public.decorator';
import { Problem } from '../http/problem';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseHealth,
    private readonly redis: RedisHealth,
    private readonly workers: WorkerLiveness,
  ) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP.' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Readiness: Postgres and Redis answer, and the workers poll. 503 names what is down.',
    description:
      '`checks.worker.live` counts the worker processes that polled their queues in the last 30 s (from their ' +
      'Redis heartbeats). The worker check fails readiness only in a process that runs workers itself (standalone, ' +
      'worker) and whose workers stopped; an API-only process reports the count and stays ready — requests are ' +
      'accepted and wait in the queue until a worker is back.',
  })
  @ApiOkResponse({
    schema: {
      example: {
        status: 'ok',
        checks: {
          postgres: { status: 'up' },
          redis: { status: 'up' },
          worker: { status: 'up', live: 2, hostedHere: false },
        },
      },
    },
  })
  @ApiServiceUnavailableResponse({
    type: Problem,
    description: 'One or more dependencies are down.',
  })
  async readyz(): Promise<{ status: 'ok'; checks: HealthIndicatorResult }> {
    const result = await this.health
      .check([
        () => this.probe('postgres', () => this.database.ping()),
        () => this.probe('redis', () => this.redis.ping()),
        () => this.workerCheck(),
      ])
      .catch((error: unknown) => this.notReady(error));
    return { status: 'ok', checks: result.details };
  }

  private async probe(name: string, ping: () => Promise<void>): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(name);
    try {
      await ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }

  private async workerCheck(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('worker');
    try {
      const fleet = await this.workers.fleet();
      const facts = { live: fleet.live, hostedHere: fleet.hostedHere };
      if (fleet.hostedHere && !fleet.localAlive)
        return indicator.down({ ...facts, message: "this process's workers are not polling" });
      return indicator.up(facts);
    } catch (error) {
      return indicator.down({
        message: `cannot read worker heartbeats: ${(error as Error).message}`,
      });
    }
  }

  private notReady(error: unknown): never {
    const result = (error as { response?: HealthCheckResult }).response;
    if (!result?.error) throw error;
    const down = Object.keys(result.error);
    throw new AirlockError(
      'DEPENDENCY_UNAVAILABLE',
      `not ready: ${down.join(' and ')} ${down.length > 1 ? 'are' : 'is'} down`,
      {
        details: { down, checks: result.details },
      },
    );
  }
}
