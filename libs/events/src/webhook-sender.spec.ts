import { verdictOf } from './webhook-sender';
import { checkWebhookSecret, checkWebhookUrl, generateWebhookSecret } from './webhook-rules';

describe('attempt verdicts', () => {
  it.each([200, 201, 204, 299])('%i → delivered', (status) => {
    expect(verdictOf(status)).toBe('delivered');
  });
  it.each([400, 401, 403, 404, 410, 413, 422])('%i → permanent failure', (status) => {
    expect(verdictOf(status)).toBe('permanent');
  });
  it.each([408, 429, 500, 502, 503, 301, 302, 100])('%i → retry', (status) => {
    expect(verdictOf(status)).toBe('retry');
  });
  it('a network error (no status) → retry', () => {
    expect(verdictOf(null)).toBe('retry');
  });
});

describe('subscription rules', () => {
  it('take absolute http(s) URLs only', () => {
    expect(checkWebhookUrl('https://ci.example.com/hook')).toEqual([]);
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook')).toEqual([]);
    for (const bad of ['ftp://x/y', '/relative', 'not a url', `https://x/${'a'.repeat(2100)}`])
      expect(checkWebhookUrl(bad)).toEqual([expect.objectContaining({ field: 'url' })]);
  });

  it('want secrets of at least 16 characters and generate long random ones', () => {
    expect(checkWebhookSecret('short')).toHaveLength(1);
    expect(checkWebhookSecret('x'.repeat(16))).toEqual([]);
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});
