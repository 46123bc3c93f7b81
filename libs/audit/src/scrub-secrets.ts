export const REDACTED = '[redacted]';

// Keys whose values are secrets whatever the feature: a mistake in a caller must not put one into
// an append-only table that can never be cleaned.
const SECRET_KEY =
  /password|passwd|secret|credential|ciphertext|authorization|private_?key|^token$|token_?hash|api_?key/i;
const MAX_DEPTH = 20;

/**
 * A JSON-ready copy of `value` with every secret-looking key's value replaced by `[redacted]`,
 * binary data redacted, dates as ISO strings. Used on `before`/`after` of every audit entry.
 */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return REDACTED;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => scrubSecrets(item, depth + 1));
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, item]) => item !== undefined && typeof item !== 'function')
        .map(([key, item]) => [
          key,
          SECRET_KEY.test(key) ? REDACTED : scrubSecrets(item, depth + 1),
        ]),
    );
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}
