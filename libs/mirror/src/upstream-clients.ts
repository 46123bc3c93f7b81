import { AppConfig } from '@airlock/config';
import { REDIS_PRODUCER } from '@airlock/queue';
import { RegistryClientFactory, type Registry } from '@airlock/registries';
import type { RegistryClient } from '@airlock/registry-client';
import { Inject, Injectable } from '@nestjs/common';
import type IORedis from 'ioredis';
import { UpstreamBudget } from './upstream-budget';

/**
 * Clients for upstream registries, each behind the registry's shared request budget: a 429 or an
 * exhausted `RateLimit-Remaining` seen by one mirror job holds back every job in every worker.
 * A variant of RegistryClientFactory's cached client, so it keeps its own token cache.
 */
@Injectable()
export class UpstreamClients {
  private readonly budget: UpstreamBudget;

  constructor(
    config: AppConfig,
    @Inject(REDIS_PRODUCER) redis: IORedis,
    private readonly factory: RegistryClientFactory,
  ) {
    this.budget = new UpstreamBudget(redis, config.redisPrefix, {
      maxWaitMs: config.upstreamMaxWaitMs,
    });
  }

  clientFor(registry: Registry): RegistryClient {
    return this.factory.clientFor(registry, {
      name: 'upstream-budget',
      options: () => ({ gate: this.budget.gateFor(registry) }),
    });
  }
}
