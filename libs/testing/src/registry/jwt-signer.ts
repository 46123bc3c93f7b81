import { sign, X509Certificate } from 'node:crypto';
import type { SigningCertificate } from './test-pki';

function base64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * Signs a compact JWS the way distribution's token verifier expects: the JOSE header carries
 * `x5c` (standard base64 DER, not base64url — RFC 7515 §4.1.6), which the registry verifies
 * against its `rootcertbundle`. ES256 signatures must be raw r||s (IEEE P1363), not DER.
 */
export function signJwt(claims: object, signing: SigningCertificate): string {
  const der = new X509Certificate(signing.cert.pem).raw.toString('base64');
  const header = { typ: 'JWT', alg: signing.algorithm, x5c: [der] };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: signing.key.pem,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${base64url(signature)}`;
}
