import {
  fieldProblem,
  readInput,
  readQuery,
  type ObjectReader,
  type StringOptions,
} from '@airlock/validation';
import { X509Certificate } from 'node:crypto';
import type {
  NewRegistryRequest,
  RegistryTlsSettings,
  RegistryUpdateRequest,
} from './registry-requests';
import type { RegistryCredentials } from './registry-credentials';
import { REGISTRY_ROLES, type RegistryRole } from './registry.repository';

/** A registry's name: a slug, so it reads well in URLs, logs and metrics. */
export const REGISTRY_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const REGISTRY_NAME_FORM = '1-63 lowercase letters, digits or "-", starting with a letter or digit';
export const REGISTRY_NAME_RULE = `name must be ${REGISTRY_NAME_FORM}`;
export const MAX_REGISTRY_URL_LENGTH = 2048;
export const MAX_CA_PEM_LENGTH = 64 * 1024;
export const MAX_USERNAME_LENGTH = 256;
export const MAX_PASSWORD_LENGTH = 4096;

const REGISTRY_NAME: StringOptions = {
  pattern: { regex: REGISTRY_NAME_PATTERN, describe: REGISTRY_NAME_FORM },
};
const ROLE = { oneOf: REGISTRY_ROLES };
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----/g;

/** A registry's name as the path or a body gives it: a 400 naming `field` when it is none. */
export function checkRegistryName(name: unknown, field = 'name'): string {
  return readQuery({ [field]: name }, (r) =>
    r.string(field, { required: true, ...REGISTRY_NAME })!,
  );
}

/** A `POST /registries` body; `url` comes back as the origin that is stored. */
export function readNewRegistry(input: unknown): NewRegistryRequest {
  return readInput(input, (r) => ({
    name: r.string('name', { required: true, ...REGISTRY_NAME })!,
    url: readUrl(r, true)!,
    role: r.string('role', { required: true, ...ROLE })! as RegistryRole,
    credentials: readCredentials(r),
    tls: readTls(r),
  }));
}

/** A `PATCH /registries/{name}` body: fields left out stay; the name cannot change. */
export function readRegistryUpdate(input: unknown): RegistryUpdateRequest {
  return readInput(input, (r) => ({
    url: readUrl(r, false),
    role: r.string('role', ROLE) as RegistryRole | undefined,
    credentials: readCredentials(r),
    tls: readTls(r),
  }));
}

function readUrl(r: ObjectReader, required: boolean): string | undefined {
  let origin: string | undefined;
  r.string('url', {
    required,
    maxLength: MAX_REGISTRY_URL_LENGTH,
    check: (value, field) => {
      const parsed = registryOrigin(value);
      if ('problem' in parsed) return fieldProblem(field, 'url', parsed.problem);
      origin = parsed.origin;
      return undefined;
    },
  });
  return origin;
}

/** `null` removes them; the password is never part of a message. */
function readCredentials(r: ObjectReader): RegistryCredentials | null | undefined {
  return r.object(
    'credentials',
    (c) => ({
      username: c.string('username', {
        required: true,
        minLength: 1,
        maxLength: MAX_USERNAME_LENGTH,
        // Basic auth and token services cannot carry ":" in a username.
        pattern: { regex: /^[^:]*$/, describe: 'without ":"' },
      })!,
      password: c.string('password', {
        required: true,
        minLength: 1,
        maxLength: MAX_PASSWORD_LENGTH,
      })!,
    }),
    { nullable: true },
  );
}

function readTls(r: ObjectReader): RegistryTlsSettings | null | undefined {
  return r.object(
    'tls',
    (t) => ({
      caPem: t.string('caPem', {
        nullable: true,
        maxLength: MAX_CA_PEM_LENGTH,
        check: (pem, field) => {
          const problem = pem === '' ? undefined : caPemProblem(pem);
          return problem ? fieldProblem(field, 'pem', `${field} ${problem}`) : undefined;
        },
      }),
      insecure: t.boolean('insecure'),
    }),
    { nullable: true },
  );
}

/**
 * The registry's base URL as stored: `scheme://host[:port]`. Credentials in the URL are refused
 * (they would be shown and logged; they belong in `credentials`) without echoing them, and so is
 * any path: the OCI Distribution API lives at `/v2/` of the origin.
 */
export function registryOrigin(input: string): { origin: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return {
      problem: 'url must be an absolute http:// or https:// URL, e.g. https://registry.example.com',
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { problem: `url must use http or https, not ${url.protocol.replace(/:$/, '')}` };
  if (url.username !== '' || url.password !== '')
    return { problem: 'url must not contain credentials; give them in the credentials field' };
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '')
    return {
      problem:
        'url must be the registry origin only (scheme, host, port), without a path, query or fragment',
    };
  return { origin: `${url.protocol}//${url.host}` };
}

/**
 * What is wrong with a PEM bundle of CA certificates (one or more `CERTIFICATE` blocks that parse
 * as X.509, nothing else), or undefined. A private key pasted by mistake is not echoed.
 */
export function caPemProblem(pem: string): string | undefined {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  if (blocks.some((block) => block[1]!.includes('PRIVATE KEY')))
    return 'holds a private key; give only the CA certificate(s)';
  if (blocks.length === 0)
    return 'must hold PEM certificates (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)';
  for (const [index, block] of blocks.entries()) {
    if (block[1] !== 'CERTIFICATE') return `block ${index + 1} is a ${block[1]}, not a CERTIFICATE`;
    try {
      new X509Certificate(block[0]);
    } catch {
      return `block ${index + 1} is not a valid X.509 certificate`;
    }
  }
  if (pem.replace(PEM_BLOCK, '').trim() !== '') return 'holds text outside its certificate blocks';
  return undefined;
}
