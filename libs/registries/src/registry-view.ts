import type { Registry, RegistryRole } from './registry.repository';

/** Who Airlock logs in as, and that a password is stored: never the password. */
export interface RegistryCredentialsView {
  username: string;
  passwordSet: true;
}

export interface RegistryTlsView {
  caPem: string | null;
  insecure: boolean;
}

/** A registry as the API shows it and the audit log records it: never a password or ciphertext. */
export interface RegistryView {
  id: string;
  name: string;
  url: string;
  role: RegistryRole;
  credentials: RegistryCredentialsView | null;
  tls: RegistryTlsView;
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
