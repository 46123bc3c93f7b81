import { AppConfig } from '@airlock/config';
import type { Registry } from '@airlock/persistence';
import { REDIS_PRODUCER } from '@airlock/queue';
import { RegistryClientFactory } from '@airlock/registries';
import type { RegistryClient } from '@airlock/registry-client';
import { Inject, Injectable } from '@nestjs/common';
import type IORedis from 'ioredis';
import { UpstreamBudget } from './upstream-budget';

/**
 * Clients for upstream registries, each behind the registry's shared request budget: a 429 or an
 * exhausted `RateLimit-Remaining` seen by one mirror job holds back every job in every worker.
 * One client per registry row version, like RegistryClientFactory's own cache.
 */
@Injectable()
export class UpstreamClients {
  private readonly budget: UpstreamBudget;
  private readonly clients = new Map<string, { version: number; client: RegistryClient }>();

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
    const version = registry.updatedAt.getTime();
    const cached = this.clients.get(registry.id);
    if (cached?.version === version) return cached.client;
    const client = this.factory.create(registry, { gate: this.budget.gateFor(registry) });
    this.clients.set(registry.id, { version, client });
    return client;
  }

  state(registryId: string) {
    return this.budget.state(registryId);
  }
}
