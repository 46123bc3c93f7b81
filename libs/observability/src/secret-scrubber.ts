/**
 * Last line of defence for log lines: whatever a message or an error carries, these never reach
 * the output. Airlock's own code does not log secrets; this catches what third-party errors embed
 * (an HTTP client error quoting its request headers, a URL with userinfo).
 */
const PATTERNS: Array<[RegExp, string]> = [
  // Airlock API tokens.
  [/alk_[A-Za-z0-9_-]{16,}/g, 'alk_[REDACTED]'],
  // Authorization header values, in any quoting.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [REDACTED]'],
  // Credentials in URLs: scheme://user:password@host.
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, '$1[REDACTED]@'],
  // key=value / "key": "value" for secret-looking keys.
  [
    /((?:password|passwd|secret|token|authorization|api[_-]?key)["']?\s*[:=]\s*["']?)(?!\[REDACTED|Bearer\b|Basic\b)[^"'\s,}&]+/gi,
    '$1[REDACTED]',
  ],
];

/**
 * A substring every pattern above needs (case-insensitive, so a superset of what they match): most
 * lines — every access log line among them — have none, and one test is cheaper than four replaces.
 */
const MIGHT_HOLD_SECRET = /alk_|bearer|basic|:\/\/|passw|secret|token|authorization|api[_-]?key/i;

export function scrubSecrets(text: string): string {
  if (!MIGHT_HOLD_SECRET.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
