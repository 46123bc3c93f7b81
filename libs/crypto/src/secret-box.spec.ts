import { AirlockError } from '@airlock/errors';
import { randomBytes } from 'node:crypto';
import { SecretBox, UnreadableSecretError } from './secret-box';

const HEX_KEY = 'a'.repeat(64);
const box = SecretBox.fromConfig({ secretKey: HEX_KEY });

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AirlockError);
    return (error as AirlockError).code;
  }
}

describe('SecretBox', () => {
  it('round-trips a secret, with and without a context', () => {
    expect(box.openString(box.seal('hunter2'))).toBe('hunter2');
    const sealed = box.seal(Buffer.from('pässwörd'), 'registry:42:password');
    expect(box.openString(sealed, 'registry:42:password')).toBe('pässwörd');
  });

  it('writes version ‖ 12-byte nonce ‖ 16-byte tag ‖ ciphertext, never the plaintext', () => {
    const sealed = box.seal('a-registry-password');
    expect(sealed[0]).toBe(1);
    expect(sealed.length).toBe(1 + 12 + 16 + 'a-registry-password'.length);
    expect(sealed.includes(Buffer.from('a-registry-password'))).toBe(false);
  });

  it('uses a fresh nonce for every seal', () => {
    const nonces = new Set(
      Array.from({ length: 1000 }, () => box.seal('same').subarray(1, 13).toString('hex')),
    );
    expect(nonces.size).toBe(1000);
  });

  it('refuses a tampered ciphertext, tag, nonce or version', () => {
    const sealed = box.seal('secret value');
    for (const index of [sealed.length - 1, 20, 5]) {
      const tampered = Buffer.from(sealed);
      tampered[index]! ^= 0x01;
      expect(codeOf(() => box.open(tampered))).toBe('INTERNAL');
    }
    const versioned = Buffer.from(sealed);
    versioned[0] = 2;
    expect(() => box.open(versioned)).toThrow(/format version 2 is unknown/);
    expect(() => box.open(sealed.subarray(0, 20))).toThrow(/too short/);
  });

  it('refuses to open with another key, naming the likely cause and not the secret', () => {
    const other = SecretBox.fromConfig({ secretKey: randomBytes(32).toString('base64') });
    const sealed = box.seal('top secret');
    expect(() => other.open(sealed)).toThrow(
      /AIRLOCK_SECRET_KEY is not the key it was sealed with/,
    );
    expect(() => other.open(sealed)).not.toThrow(/top secret/);
    expect(() => other.open(sealed)).toThrow(UnreadableSecretError);
  });

  it('refuses to open a ciphertext under another context (a secret moved to another row)', () => {
    const sealed = box.seal('pw', 'registry:1:password');
    expect(codeOf(() => box.open(sealed, 'registry:2:password'))).toBe('INTERNAL');
  });

  it('accepts the same key as hex, base64 and base64url', () => {
    const key = randomBytes(32);
    const sealed = SecretBox.fromConfig({ secretKey: key.toString('hex') }).seal('x');
    expect(SecretBox.fromConfig({ secretKey: key.toString('base64') }).openString(sealed)).toBe(
      'x',
    );
    expect(SecretBox.fromConfig({ secretKey: key.toString('base64url') }).openString(sealed)).toBe(
      'x',
    );
  });

  it('answers NOT_CONFIGURED naming AIRLOCK_SECRET_KEY when no key is set', () => {
    const unconfigured = SecretBox.fromConfig({});
    expect(unconfigured.configured).toBe(false);
    expect(codeOf(() => unconfigured.seal('x'))).toBe('NOT_CONFIGURED');
    expect(() => unconfigured.open(box.seal('x'))).toThrow(/needs AIRLOCK_SECRET_KEY/);
  });
});
