import { REGISTRY_ROLES, type RegistryRole } from '@airlock/persistence';
import { X509Certificate } from 'node:crypto';
import { invalidField } from './invalid-input';

/** A registry's name: a slug, so it reads well in URLs, logs and metrics. */
export const REGISTRY_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const REGISTRY_NAME_RULE =
  'name must be 1-63 lowercase letters, digits or "-", starting with a letter or digit';
export const MAX_CA_PEM_LENGTH = 64 * 1024;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----/g;

export function checkRegistryName(name: string, field = 'name'): string {
  if (!REGISTRY_NAME_PATTERN.test(name)) throw invalidField(field, 'matches', REGISTRY_NAME_RULE);
  return name;
}

export function checkRegistryRole(role: string): RegistryRole {
  if (!(REGISTRY_ROLES as readonly string[]).includes(role)) {
    throw invalidField('role', 'isIn', `role must be one of ${REGISTRY_ROLES.join(', ')}`);
  }
  return role as RegistryRole;
}

/**
 * The registry's base URL as stored: `scheme://host[:port]`. Credentials in the URL are refused
 * (they would be shown and logged; they belong in `credentials`), and so is any path: the OCI
 * Distribution API lives at `/v2/` of the origin.
 */
export function normalizeRegistryUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw invalidField(
      'url',
      'isUrl',
      'url must be an absolute http:// or https:// URL, e.g. https://registry.example.com',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidField(
      'url',
      'protocol',
      `url must use http or https, not ${url.protocol.replace(/:$/, '')}`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw invalidField(
      'url',
      'noCredentials',
      'url must not contain credentials; give them in the credentials field',
    );
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw invalidField(
      'url',
      'noPath',
      'url must be the registry origin only (scheme, host, port), without a path, query or fragment',
    );
  }
  return `${url.protocol}//${url.host}`;
}

/**
 * A PEM bundle of CA certificates: one or more `CERTIFICATE` blocks that parse as X.509, nothing
 * else. A private key pasted by mistake is refused without echoing it.
 */
export function checkCaPem(pem: string): string {
  if (pem.length > MAX_CA_PEM_LENGTH) {
    throw invalidField(
      'tls.caPem',
      'maxLength',
      `tls.caPem must be at most ${MAX_CA_PEM_LENGTH} characters`,
    );
  }
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  if (blocks.some((block) => block[1]!.includes('PRIVATE KEY'))) {
    throw invalidField(
      'tls.caPem',
      'noPrivateKey',
      'tls.caPem holds a private key; give only the CA certificate(s)',
    );
  }
  if (blocks.length === 0) {
    throw invalidField(
      'tls.caPem',
      'pem',
      'tls.caPem must hold PEM certificates (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)',
    );
  }
  for (const [index, block] of blocks.entries()) {
    if (block[1] !== 'CERTIFICATE') {
      throw invalidField(
        'tls.caPem',
        'pem',
        `tls.caPem block ${index + 1} is a ${block[1]}, not a CERTIFICATE`,
      );
    }
    try {
      new X509Certificate(block[0]);
    } catch {
      throw invalidField(
        'tls.caPem',
        'pem',
        `tls.caPem block ${index + 1} is not a valid X.509 certificate`,
      );
    }
  }
  const outside = pem.replace(PEM_BLOCK, '').trim();
  if (outside !== '')
    throw invalidField('tls.caPem', 'pem', 'tls.caPem holds text outside its certificate blocks');
  return pem;
}

/** Basic-auth and token-service usernames cannot hold ":"; neither part may be empty. */
export function checkCredentials(credentials: { username: string; password: string }): void {
  if (credentials.username === '' || credentials.username.includes(':')) {
    throw invalidField(
      'credentials.username',
      'username',
      'credentials.username must be non-empty and must not contain ":"',
    );
  }
  if (credentials.password === '') {
    throw invalidField(
      'credentials.password',
      'isNotEmpty',
      'credentials.password must not be empty',
    );
  }
}
