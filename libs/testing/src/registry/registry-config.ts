import { randomBytes } from 'node:crypto';

export interface RegistryConfigInput {
  port: number;
  storageDir: string;
  tls?: { certPath: string; keyPath: string };
  htpasswdPath?: string;
  token?: { realm: string; service: string; issuer: string; rootCertBundlePath: string };
  notifications?: { url: string; headers?: Record<string, string[]> };
}

/**
 * distribution's config.yml as JSON: JSON is valid YAML, and serialising an object spares us
 * quoting paths and secrets by hand. `version` must stay the string "0.1".
 */
export function renderRegistryConfig(input: RegistryConfigInput): string {
  const config = {
    version: '0.1',
    // Access logs would flood the output tail that startup errors quote.
    log: { level: 'warn', formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: input.storageDir },
      delete: { enabled: true },
      // The purger runs at startup and walks storage; useless for a registry that lives seconds.
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: {
      addr: `127.0.0.1:${input.port}`,
      // Fixed per process: upload state is HMAC'd with it, so it must not change mid-upload.
      secret: randomBytes(16).toString('hex'),
      ...(input.tls ? { tls: { certificate: input.tls.certPath, key: input.tls.keyPath } } : {}),
    },
    health: { storagedriver: { enabled: false } },
    ...authSection(input),
    ...notificationsSection(input),
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

function authSection(input: RegistryConfigInput): object {
  if (input.token) {
    const { realm, service, issuer, rootCertBundlePath } = input.token;
    return { auth: { token: { realm, service, issuer, rootcertbundle: rootCertBundlePath } } };
  }
  if (input.htpasswdPath)
    return { auth: { htpasswd: { realm: 'airlock-test', path: input.htpasswdPath } } };
  return {};
}

function notificationsSection(input: RegistryConfigInput): object {
  if (!input.notifications) return {};
  const endpoint = {
    name: 'airlock-test',
    url: input.notifications.url,
    headers: input.notifications.headers ?? {},
    // Short timeout and backoff: tests wait on these events, and a retry must come quickly.
    timeout: '2s',
    threshold: 1,
    backoff: '200ms',
  };
  return { notifications: { endpoints: [endpoint] } };
}
