import type { Registry, RegistryRole } from '@airlock/persistence';

/** A registry as the API shows it and the audit log records it: never a password or ciphertext. */
export interface RegistryView {
  id: string;
  name: string;
  url: string;
  role: RegistryRole;
  credentials: { username: string; passwordSet: true } | null;
  tls: { caPem: string | null; insecure: boolean };
  /** Settings that weaken security, spelled out on every read. */
  warnings: string[];
  createdAt: Date;
  updatedAt: Date;
}

export function toRegistryView(registry: Registry): RegistryView {
  return {
    id: registry.id,
    name: registry.name,
    url: registry.url,
    role: registry.role,
    credentials:
      registry.credentialsUsername === null
        ? null
        : { username: registry.credentialsUsername, passwordSet: true },
    tls: { caPem: registry.tlsCaPem, insecure: registry.tlsInsecure },
    warnings: warningsOf(registry),
    createdAt: registry.createdAt,
    updatedAt: registry.updatedAt,
  };
}

export function warningsOf(
  registry: Pick<Registry, 'url' | 'tlsInsecure' | 'credentialsUsername'>,
): string[] {
  const warnings: string[] = [];
  const https = registry.url.startsWith('https:');
  if (registry.tlsInsecure && https) {
    warnings.push(
      'tls.insecure: certificate verification is disabled; anyone on the network path can impersonate this registry and read its credentials',
    );
  }
  if (!https && registry.credentialsUsername !== null) {
    warnings.push('credentials over plain http: the password crosses the network unencrypted');
  }
  return warnings;
}
