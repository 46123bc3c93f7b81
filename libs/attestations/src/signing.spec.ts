import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirlockError } from '@airlock/errors';
import { keyIdOf, preAuthEncoding, signEnvelope, verifyEnvelope } from './dsse';
import { canonicalJson, stageLevel } from './promotion-statement';
import { SigningKeys } from './signing-keys';

const pem = (key: { export(o: object): string | Buffer }, type: 'pkcs8' | 'spki') =>
  key.export({ type, format: 'pem' }).toString();

describe('DSSE signing and the signing keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('encodes DSSEv1 with byte lengths (multi-byte UTF-8 counted in bytes)', () => {
    expect(preAuthEncoding('t/ü', Buffer.from('héllo')).toString()).toBe('DSSEv1 4 t/ü 6 héllo');
  });

  it('signs and verifies with ECDSA P-256 and Ed25519; another key, type or payload fails', () => {
    for (const kind of ['ec', 'ed25519'] as const) {
      const { privateKey, publicKey } =
        kind === 'ec'
          ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
          : generateKeyPairSync('ed25519');
      const other = generateKeyPairSync('ed25519').publicKey;
      const envelope = signEnvelope(
        'application/vnd.in-toto+json',
        Buffer.from('{"a":1}'),
        privateKey,
      );
      expect(envelope.signatures[0]!.keyid).toBe(keyIdOf(publicKey));
      expect(verifyEnvelope(envelope, [other, publicKey])).toEqual({
        payload: Buffer.from('{"a":1}'),
        keyId: keyIdOf(publicKey),
      });
      expect(verifyEnvelope(envelope, [other])).toBeNull();
      expect(verifyEnvelope({ ...envelope, payloadType: 'text/plain' }, [publicKey])).toBeNull();
      expect(
        verifyEnvelope({ ...envelope, payload: Buffer.from('{"a":2}').toString('base64') }, [
          publicKey,
        ]),
      ).toBeNull();
    }
  });

  it('publishes the current key first and earlier ones from a file, each once; none without a key', () => {
    const current = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const old = generateKeyPairSync('ed25519');
    const previous = join(dir, 'previous.pem');
    writeFileSync(previous, pem(old.publicKey, 'spki') + pem(current.publicKey, 'spki'));
    const keys = SigningKeys.fromSettings({
      signingKey: pem(current.privateKey, 'pkcs8'),
      signingPreviousKeysFile: previous,
    });
    expect(keys.current!.keyId).toBe(keyIdOf(current.publicKey));
    expect(keys.published.map((k) => [k.keyId, k.algorithm, k.current])).toEqual([
      [keyIdOf(current.publicKey), 'ecdsa-p256', true],
      [keyIdOf(old.publicKey), 'ed25519', false],
    ]);
    const none = SigningKeys.fromSettings({});
    expect(none.current).toBeNull();
    expect(none.published).toEqual([]);
  });

  it('refuses an unreadable key or another kind of key without repeating it', () => {
    const refused = (settings: object) => {
      try {
        SigningKeys.fromSettings(settings);
      } catch (error) {
        expect(error).toBeInstanceOf(AirlockError);
        return (error as AirlockError).message;
      }
      throw new Error('accepted');
    };
    expect(refused({ signingKey: 'not a key' })).toMatch(
      /AIRLOCK_SIGNING_KEY: not a PEM private key/,
    );
    const rsa = pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey, 'pkcs8');
    expect(refused({ signingKey: rsa })).toMatch(/ECDSA P-256 or Ed25519 key is needed, not rsa/);
    expect(refused({ signingKey: rsa })).not.toContain('PRIVATE KEY');
    const p384 = pem(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey, 'pkcs8');
    expect(refused({ signingKey: p384 })).toMatch(/not ec secp384r1/);
    expect(refused({ signingKeyFile: join(dir, 'missing.pem') })).toMatch(
      /AIRLOCK_SIGNING_KEY_FILE: cannot read/,
    );
  });

  it('names stage levels and hashes rules canonically', () => {
    expect(stageLevel('prod-eu')).toBe('AIRLOCK_STAGE_PROD_EU');
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe(
      '{"a":null,"b":[1,{"c":2,"d":1}]}',
    );
  });
});
