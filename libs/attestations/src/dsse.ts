import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** The payload type of an in-toto statement in a DSSE envelope. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** A DSSE envelope (https://github.com/secure-systems-lab/dsse/blob/master/envelope.md). */
export interface DsseEnvelope {
  payloadType: string;
  /** base64 of the payload bytes. */
  payload: string;
  signatures: Array<{ keyid: string; sig: string }>;
}

/**
 * DSSE's pre-authentication encoding: what is signed, so a signature over one payload type can
 * never be replayed as another. `DSSEv1 <len(type)> <type> <len(body)> <body>`, lengths in bytes.
 */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${payload.length} `, 'utf8'),
    payload,
  ]);
}

/** The key's id as Airlock publishes it: sha256 of its SubjectPublicKeyInfo (DER), hex. */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/**
 * Ed25519 signs the message itself; ECDSA signs its sha256 and answers the DER signature
 * (what cosign and `openssl dgst -sha256 -verify` use).
 */
function digestFor(key: KeyObject): string | null {
  return key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
}

export function signEnvelope(payloadType: string, payload: Buffer, key: KeyObject): DsseEnvelope {
  const sig = sign(digestFor(key), preAuthEncoding(payloadType, payload), key);
  return {
    payloadType,
    payload: payload.toString('base64'),
    signatures: [{ keyid: keyIdOf(key), sig: sig.toString('base64') }],
  };
}

/** The envelope's payload when one of its signatures verifies with one of `keys`; else null. */
export function verifyEnvelope(
  envelope: DsseEnvelope,
  keys: readonly KeyObject[],
): { payload: Buffer; keyId: string } | null {
  const payload = Buffer.from(envelope.payload, 'base64');
  const pae = preAuthEncoding(envelope.payloadType, payload);
  for (const signature of envelope.signatures ?? []) {
    const sig = Buffer.from(signature.sig, 'base64');
    for (const key of keys) {
      if (verify(digestFor(key), pae, key, sig)) return { payload, keyId: keyIdOf(key) };
    }
  }
  return null;
}

/** A DSSE envelope from JSON bytes, or null when it is not one. */
export function parseEnvelope(bytes: Buffer): DsseEnvelope | null {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as Partial<DsseEnvelope>;
    if (typeof value.payloadType !== 'string' || typeof value.payload !== 'string') return null;
    if (!Array.isArray(value.signatures)) return null;
    return value as DsseEnvelope;
  } catch {
    return null;
  }
}
