import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Airlock-Signature';
export const EVENT_HEADER = 'Airlock-Event';
export const DELIVERY_HEADER = 'Airlock-Delivery';

/** Receivers reject a signature whose timestamp is further than this from their clock. */
export const REPLAY_WINDOW_SECONDS = 300;

/** hex HMAC-SHA256 over `<timestamp>.<body>`, keyed with the subscription secret (UTF-8). */
export function computeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** `t=<unix seconds>,v1=<hex>`: the timestamp is signed too, so it cannot be swapped for a fresh one. */
export function signatureHeader(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, body)}`;
}

export interface ParsedSignature {
  timestamp: number;
  /** Every `v1` value (more than one while a secret is being rotated on the receiver's side). */
  signatures: string[];
}

/** Reads `t=…,v1=…[,v1=…]`; unknown keys are ignored, so later schemes can be added alongside. */
export function parseSignatureHeader(header: string): ParsedSignature | null {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  return timestamp === undefined || signatures.length === 0 ? null : { timestamp, signatures };
}

export type VerifyResult =
  | { valid: true; timestamp: number }
  | { valid: false; reason: 'malformed' | 'expired' | 'mismatch' };

/**
 * What a receiver does (docs/webhooks.md): parse the header, refuse a timestamp outside the
 * replay window, recompute the HMAC over the raw body and compare in constant time.
 */
export function verifySignature(
  header: string | undefined,
  body: string,
  secret: string,
  options: { now?: number; toleranceSeconds?: number } = {},
): VerifyResult {
  const parsed = header === undefined ? null : parseSignatureHeader(header);
  if (!parsed) return { valid: false, reason: 'malformed' };
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - parsed.timestamp) > (options.toleranceSeconds ?? REPLAY_WINDOW_SECONDS))
    return { valid: false, reason: 'expired' };
  const expected = Buffer.from(computeSignature(secret, parsed.timestamp, body), 'hex');
  const matches = parsed.signatures.some((candidate) =>
    timingSafeEqual(expected, Buffer.from(candidate, 'hex')),
  );
  return matches
    ? { valid: true, timestamp: parsed.timestamp }
    : { valid: false, reason: 'mismatch' };
}
