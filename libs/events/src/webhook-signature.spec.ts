import { createHmac } from 'node:crypto';
import {
  computeSignature,
  parseSignatureHeader,
  REPLAY_WINDOW_SECONDS,
  signatureHeader,
  verifySignature,
} from './webhook-signature';

const SECRET = 'whsec_test-secret-0123456789';
const BODY =
  '{"id":"e1","type":"image.registered","occurredAt":"2026-01-01T00:00:00.000Z","data":{}}';
const T = 1_800_000_000;

describe('webhook signatures', () => {
  it('are hex HMAC-SHA256 over "<t>.<raw body>" keyed with the secret', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(computeSignature(SECRET, T, BODY)).toBe(expected);
    expect(signatureHeader(SECRET, BODY, T)).toBe(`t=${T},v1=${expected}`);
  });

  it('verify with the same secret within the replay window', () => {
    const header = signatureHeader(SECRET, BODY, T);
    expect(verifySignature(header, BODY, SECRET, { now: T })).toEqual({
      valid: true,
      timestamp: T,
    });
    expect(verifySignature(header, BODY, SECRET, { now: T + REPLAY_WINDOW_SECONDS }).valid).toBe(
      true,
    );
    expect(verifySignature(header, BODY, SECRET, { now: T - REPLAY_WINDOW_SECONDS }).valid).toBe(
      true,
    );
  });

  it('are refused outside the replay window, either way', () => {
    const header = signatureHeader(SECRET, BODY, T);
    for (const now of [T + REPLAY_WINDOW_SECONDS + 1, T - REPLAY_WINDOW_SECONDS - 1]) {
      expect(verifySignature(header, BODY, SECRET, { now })).toEqual({
        valid: false,
        reason: 'expired',
      });
    }
  });

  it('do not verify with another secret, another body or a swapped timestamp', () => {
    const header = signatureHeader(SECRET, BODY, T);
    const mismatch = { valid: false, reason: 'mismatch' };
    expect(verifySignature(header, BODY, `${SECRET}x`, { now: T })).toEqual(mismatch);
    expect(verifySignature(header, `${BODY} `, SECRET, { now: T })).toEqual(mismatch);
    const swapped = header.replace(`t=${T}`, `t=${T + 1}`);
    expect(verifySignature(swapped, BODY, SECRET, { now: T })).toEqual(mismatch);
  });

  it('accept any of several v1 values (a receiver rotating its secret) and ignore unknown keys', () => {
    const good = computeSignature(SECRET, T, BODY);
    const header = `t=${T},v0=abc,v1=${'0'.repeat(64)},v1=${good}`;
    expect(parseSignatureHeader(header)).toEqual({
      timestamp: T,
      signatures: ['0'.repeat(64), good],
    });
    expect(verifySignature(header, BODY, SECRET, { now: T }).valid).toBe(true);
  });

  it.each([undefined, '', 'v1=abc', `t=${T}`, `t=now,v1=${'a'.repeat(64)}`, `t=${T},v1=XYZ`])(
    'call %p malformed',
    (header) => {
      expect(verifySignature(header, BODY, SECRET, { now: T })).toEqual({
        valid: false,
        reason: 'malformed',
      });
    },
  );
});
