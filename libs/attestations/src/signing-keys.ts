import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { AirlockError } from '@airlock/errors';
import { keyIdOf } from './dsse';

/** A public key as `GET /api/v1/signing-keys` publishes it. */
export interface PublishedKey {
  keyId: string;
  /** `ecdsa-p256` or `ed25519`. */
  algorithm: string;
  publicKeyPem: string;
  /** The key new attestations are signed with; earlier keys stay listed to verify old ones. */
  current: boolean;
}

export interface SigningKeySettings {
  /** PEM of the private key (AIRLOCK_SIGNING_KEY), or… */
  signingKey?: string;
  /** …a file holding it (AIRLOCK_SIGNING_KEY_FILE). */
  signingKeyFile?: string;
  /** A file of earlier public keys, PEM blocks one after another (AIRLOCK_SIGNING_PREVIOUS_KEYS_FILE). */
  signingPreviousKeysFile?: string;
}

const PEM_BLOCK = /-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g;

/**
 * The key Airlock signs promotion attestations with, and every public key it has signed with.
 * ECDSA P-256 (what `cosign generate-key-pair` makes, and what every verifier reads) or Ed25519.
 * Without a key nothing is signed and no attestation is written.
 */
export class SigningKeys {
  private constructor(
    readonly current: { key: KeyObject; keyId: string } | null,
    readonly published: PublishedKey[],
  ) {}

  static fromSettings(settings: SigningKeySettings): SigningKeys {
    const pem =
      settings.signingKey ??
      (settings.signingKeyFile
        ? readPem(settings.signingKeyFile, 'AIRLOCK_SIGNING_KEY_FILE')
        : undefined);
    const current = pem === undefined ? null : privateKey(pem.replace(/\\n/g, '\n'));
    const previous = settings.signingPreviousKeysFile
      ? (
          readPem(settings.signingPreviousKeysFile, 'AIRLOCK_SIGNING_PREVIOUS_KEYS_FILE').match(
            PEM_BLOCK,
          ) ?? []
        ).map((block) => checked(createPublicKey(block), 'AIRLOCK_SIGNING_PREVIOUS_KEYS_FILE'))
      : [];
    const published: PublishedKey[] = [];
    const seen = new Set<string>();
    const publish = (key: KeyObject, isCurrent: boolean) => {
      const keyId = keyIdOf(key);
      if (seen.has(keyId)) return;
      seen.add(keyId);
      published.push({
        keyId,
        algorithm: algorithmOf(key),
        publicKeyPem: (key.type === 'private' ? createPublicKey(key) : key)
          .export({ type: 'spki', format: 'pem' })
          .toString(),
        current: isCurrent,
      });
    };
    if (current) publish(current, true);
    for (const key of previous) publish(key, false);
    return new SigningKeys(current && { key: current, keyId: keyIdOf(current) }, published);
  }

  /** Every published public key, as KeyObjects (to verify with). */
  publicKeys(): KeyObject[] {
    return this.published.map((k) => createPublicKey(k.publicKeyPem));
  }
}

function readPem(path: string, setting: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new AirlockError(
      'NOT_CONFIGURED',
      `${setting}: cannot read ${path} (${(error as Error).message})`,
    );
  }
}

function privateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    // The message never repeats the key.
    throw new AirlockError(
      'NOT_CONFIGURED',
      'AIRLOCK_SIGNING_KEY: not a PEM private key (an encrypted key needs its passphrase removed)',
    );
  }
  return checked(key, 'AIRLOCK_SIGNING_KEY');
}

function checked(key: KeyObject, setting: string): KeyObject {
  algorithmOf(key, setting);
  return key;
}

export function algorithmOf(key: KeyObject, setting = 'signing key'): string {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
    return 'ecdsa-p256';
  throw new AirlockError(
    'NOT_CONFIGURED',
    `${setting}: an ECDSA P-256 or Ed25519 key is needed, not ${key.asymmetricKeyType}${key.asymmetricKeyDetails?.namedCurve ? ` ${key.asymmetricKeyDetails.namedCurve}` : ''}`,
  );
}
