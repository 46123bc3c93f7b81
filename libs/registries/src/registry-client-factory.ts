import { SecretBox } from '@airlock/crypto';
import { METRICS } from '@airlock/observability';
import type { Registry } from '@airlock/persistence';
import {
  RegistryClient,
  type RegistryClientOptions,
  type RegistryEndpoint,
} from '@airlock/registry-client';
import { Injectable } from '@nestjs/common';
import { openCredentials } from './registry-credentials';

/**
 * Builds RegistryClients for registry rows, decrypting their credentials. `clientFor` keeps one
 * client per registry and `updated_at`: the client holds the bearer-token cache, and any change to
 * the row (new password, CA, URL) yields a fresh client.
 */
@Injectable()
export class RegistryClientFactory {
  private readonly clients = new Map<string, { version: number; client: RegistryClient }>();

  constructor(private readonly box: SecretBox) {}

  clientFor(registry: Registry): RegistryClient {
    const version = registry.updatedAt.getTime();
    const cached = this.clients.get(registry.id);
    if (cached?.version === version) return cached.client;
    const client = this.create(registry);
    this.clients.set(registry.id, { version, client });
    return client;
  }

  /** A client of its own, not cached (e.g. a connectivity check with short timeouts). */
  create(registry: Registry, options: RegistryClientOptions = {}): RegistryClient {
    return new RegistryClient(this.endpointOf(registry), {
      ...options,
      onRequest: (event) => {
        METRICS.registryRequests.inc({
          registry: registry.name,
          method: event.method,
          status: event.status === undefined ? 'error' : String(event.status),
        });
        options.onRequest?.(event);
      },
    });
  }

  endpointOf(registry: Registry): RegistryEndpoint {
    const tls =
      registry.tlsCaPem !== null || registry.tlsInsecure
        ? { caPem: registry.tlsCaPem ?? undefined, insecure: registry.tlsInsecure }
        : undefined;
    return {
      name: registry.name,
      url: registry.url,
      credentials: openCredentials(this.box, registry),
      tls,
    };
  }
}
