import {
  RegistryClient,
  type RegistryEndpoint,
  type RegistryRequestEvent,
} from '@airlock/registry-client';
import type { RegistryFixture } from '@airlock/testing';

/** A client for a fixture, as Airlock would build one from a registry record. */
export function clientFor(
  registry: RegistryFixture,
  name: string,
  onRequest?: (event: RegistryRequestEvent) => void,
): RegistryClient {
  const endpoint: RegistryEndpoint = {
    name,
    url: registry.url,
    credentials: registry.auth === 'none' ? undefined : registry.credentials,
    tls: registry.caCertPem ? { caPem: registry.caCertPem } : undefined,
  };
  return new RegistryClient(endpoint, { onRequest });
}
