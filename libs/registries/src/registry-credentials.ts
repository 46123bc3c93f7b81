import type { SecretBox } from '@airlock/crypto';
import { AirlockError } from '@airlock/errors';
import type { Registry } from './registry.repository';

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Bound as associated data: a ciphertext copied into another registry's row fails to open. */
export function credentialsContext(registryId: string): string {
  return `registry:${registryId}:credentials`;
}

export function sealCredentials(
  box: SecretBox,
  registryId: string,
  credentials: RegistryCredentials,
): Buffer {
  return box.seal(
    JSON.stringify({ username: credentials.username, password: credentials.password }),
    credentialsContext(registryId),
  );
}

/** The registry's credentials in clear, for a RegistryClient only; undefined when it has none. */
export function openCredentials(
  box: SecretBox,
  registry: Registry,
): RegistryCredentials | undefined {
  if (!registry.credentialsCiphertext) return undefined;
  const parsed = JSON.parse(
    box.openString(registry.credentialsCiphertext, credentialsContext(registry.id)),
  ) as Partial<RegistryCredentials>;
  if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') {
    throw new AirlockError(
      'INTERNAL',
      `The stored credentials of registry "${registry.name}" are not a username and password`,
    );
  }
  return { username: parsed.username, password: parsed.password };
}
