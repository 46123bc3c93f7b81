import { decodeSecretKey, SECRET_KEY_BYTES, type AppConfig } from '@airlock/config';
import { AirlockError } from '@airlock/errors';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES + TAG_BYTES;

/**
 * Seals small secrets (registry passwords, webhook secrets) for storage with AES-256-GCM.
 *
 * Output: `version (1 byte) ‖ nonce (12) ‖ tag (16) ‖ ciphertext`. The version byte leaves room for
 * key rotation (a later version can name a key id). The nonce is random per seal; NIST SP 800-38D
 * allows 2^32 random 96-bit nonces per key, and Airlock seals thousands, not billions.
 * `context` is bound as associated data (with the version byte), so a ciphertext copied into
 * another row — say `registry:<id>:password` — fails to open there.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer | undefined) {}

  static fromConfig(config: Pick<AppConfig, 'secretKey'>): SecretBox {
    return new SecretBox(
      config.secretKey === undefined ? undefined : decodeSecretKey(config.secretKey),
    );
  }

  /** Whether AIRLOCK_SECRET_KEY is set; features may check before accepting a secret. */
  get configured(): boolean {
    return this.key !== undefined;
  }

  seal(plaintext: string | Buffer, context = ''): Buffer {
    const key = this.requireKey();
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(VERSION, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), nonce, cipher.getAuthTag(), ciphertext]);
  }

  open(sealed: Buffer, context = ''): Buffer {
    const key = this.requireKey();
    if (sealed.length < HEADER_BYTES) throw unreadable('it is too short to be a sealed secret');
    const version = sealed[0]!;
    if (version !== VERSION)
      throw unreadable(`its format version ${version} is unknown to this Airlock`);
    const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
    const tag = sealed.subarray(1 + NONCE_BYTES, HEADER_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(version, context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
    } catch (cause) {
      throw unreadable(
        'AIRLOCK_SECRET_KEY is not the key it was sealed with, or the stored bytes were altered',
        cause,
      );
    }
  }

  openString(sealed: Buffer, context = ''): string {
    return this.open(sealed, context).toString('utf8');
  }

  private requireKey(): Buffer {
    if (this.key?.length === SECRET_KEY_BYTES) return this.key;
    throw new AirlockError(
      'NOT_CONFIGURED',
      'Storing or reading secrets needs AIRLOCK_SECRET_KEY (32 bytes as 64 hex characters or base64; generate one with: openssl rand -hex 32)',
      { details: { variable: 'AIRLOCK_SECRET_KEY' } },
    );
  }
}

function associatedData(version: number, context: string): Buffer {
  return Buffer.concat([Buffer.of(version), Buffer.from(context, 'utf8')]);
}

/**
 * A stored secret that does not open (another AIRLOCK_SECRET_KEY, altered bytes, an unknown
 * format): still INTERNAL for the API, but recognisable where a caller can say what failed.
 */
export class UnreadableSecretError extends AirlockError {
  constructor(reason: string, cause?: unknown) {
    super('INTERNAL', `A stored secret cannot be decrypted: ${reason}`, { cause });
    this.name = 'UnreadableSecretError';
  }
}

function unreadable(reason: string, cause?: unknown): AirlockError {
  return new UnreadableSecretError(reason, cause);
}
