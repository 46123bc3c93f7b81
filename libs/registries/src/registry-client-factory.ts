import { SecretBox } from '@airlock/crypto';
import { Metrics } from '@airlock/observability';
import type { Registry } from './registry.repository';
import {
  RecentManifests,
  RegistryClient,
  SharedReads,
  type RegistryClientOptions,
  type RegistryEndpoint,
} from '@airlock/registry-client';
import { Injectable, Logger } from '@nestjs/common';
import { openCredentials } from './registry-credentials';

/**
 * The clients' lines go through the app's logger (JSON, secret-scrubbed, with the job's log
 * context): every request, retry and auth decision at debug, the tls.insecure warning at warn.
 */
const CLIENT_LOGGER = new Logger('RegistryClient');

/** Extra client options under a name; `options` runs only when a client is built. */
export interface ClientVariant {
  name: string;
  options: () => RegistryClientOptions;
}

/**
 * Builds RegistryClients for registry rows, decrypting their credentials. `clientFor` keeps one
 * client per registry and `updated_at`: the client holds the bearer-token cache, and any change to
 * the row (new password, CA, URL) yields a fresh client.
 */
@Injectable()
export class RegistryClientFactory {
  private readonly clients = new Map<string, { version: number; client: RegistryClient }>();
  private readonly recent = new RecentManifests();

  constructor(
    private readonly box: SecretBox,
    private readonly metrics: Metrics,
  ) {}

  /**
   * The cached client of the registry, or of a named variant of it built with extra options (the
   * mirror's upstream clients carry a request gate): each variant keeps its own token cache.
   */
  clientFor(registry: Registry, variant?: ClientVariant): RegistryClient {
    const key = variant ? `${registry.id}/${variant.name}` : registry.id;
    const version = registry.updatedAt.getTime();
    const cached = this.clients.get(key);
    if (cached?.version === version) return cached.client;
    const client = this.create(registry, variant?.options());
    this.clients.set(key, { version, client });
    return client;
  }

  /**
   * A view of the registry's client for one piece of work (SharedReads): its reads shared
   * within it, and its manifests read by digest shared with the other work of this process for
   * a minute (RecentManifests) — a promotion's copy takes the manifest its request just read.
   */
  readsFor(registry: Registry): SharedReads {
    return new SharedReads(this.clientFor(registry), this.recent);
  }

  /** A client of its own, not cached (e.g. a connectivity check with short timeouts). */
  create(registry: Registry, options: RegistryClientOptions = {}): RegistryClient {
    return new RegistryClient(this.endpointOf(registry), {
      logger: CLIENT_LOGGER,
      ...options,
      onRequest: (event) => {
        this.metrics.registryRequests.inc({
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
