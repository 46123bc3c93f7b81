import { generateWebhookSecret, readNewWebhook, readWebhookUpdate } from './webhook-rules';
import { signedPost, verdictOf } from './webhook-sender';
import { verifySignature } from './webhook-signature';

function rulesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    return (
      error as { details: { errors: Array<{ field: string; rule: string }> } }
    ).details.errors.map((e) => `${e.field}:${e.rule}`);
  }
  return [];
}

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

describe('signed posts', () => {
  it('carry the exact body, its signature for now, the event and the delivery id', () => {
    const request = {
      url: 'http://127.0.0.1:9/hook',
      secret: 'whsec_0123456789abcdef',
      deliveryId: 'd1',
      eventType: 'gate.recorded',
      body: '{"id":"e1"}',
    };
    const post = signedPost(request, 1_800_000_000);
    expect(post).toMatchObject({ url: request.url, body: request.body, timeoutMs: 10_000 });
    expect(post.headers).toMatchObject({
      'Content-Type': 'application/json',
      'Airlock-Event': 'gate.recorded',
      'Airlock-Delivery': 'd1',
    });
    const check = verifySignature(post.headers['Airlock-Signature'], request.body, request.secret, {
      now: 1_800_000_000,
    });
    expect(check).toEqual({ valid: true, timestamp: 1_800_000_000 });
  });
});

describe('subscription rules', () => {
  it('take absolute http(s) URLs only', () => {
    for (const url of ['https://ci.example.com/hook', 'http://127.0.0.1:8080/hook'])
      expect(rulesOf(() => readNewWebhook({ url, events: ['*'] }))).toEqual([]);
    for (const bad of ['ftp://x/y', '/relative', 'not a url'])
      expect(rulesOf(() => readNewWebhook({ url: bad, events: ['*'] }))).toEqual(['url:url']);
    expect(rulesOf(() => readWebhookUpdate({ url: `https://x/${'a'.repeat(2100)}` }))).toEqual([
      'url:maxLength',
    ]);
  });

  it('want secrets of at least 16 characters and generate long random ones', () => {
    const body = { url: 'https://x.example.com/', events: ['*'] };
    expect(rulesOf(() => readNewWebhook({ ...body, secret: 'short' }))).toEqual([
      'secret:minLength',
    ]);
    expect(rulesOf(() => readNewWebhook({ ...body, secret: 'x'.repeat(16) }))).toEqual([]);
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateWebhookSecret()).not.toBe(a);
  });

  it('refuse null where a field is not nullable, and fields nobody reads', () => {
    expect(rulesOf(() => readWebhookUpdate({ events: null, enabled: 'yes', colour: 1 }))).toEqual([
      'events:notNull',
      'enabled:type',
      'colour:unknownField',
    ]);
  });
});
