import { REDACTED, scrubSecrets } from './scrub-secrets';

describe('scrubSecrets', () => {
  it('redacts secret-looking keys at any depth and keeps the rest', () => {
    const scrubbed = scrubSecrets({
      name: 'prod-eu',
      tokenPrefix: 'alk_abcdefgh',
      token: 'alk_secret',
      credentials: { username: 'u', password: 'p' },
      webhooks: [{ url: 'https://x', secret: 's' }],
      tokenHash: Buffer.from('h'),
      nested: { registry_password: 'p', apiKey: 'k', Authorization: 'Bearer x' },
    });
    expect(scrubbed).toEqual({
      name: 'prod-eu',
      tokenPrefix: 'alk_abcdefgh',
      token: REDACTED,
      credentials: REDACTED,
      webhooks: [{ url: 'https://x', secret: REDACTED }],
      tokenHash: REDACTED,
      nested: { registry_password: REDACTED, apiKey: REDACTED, Authorization: REDACTED },
    });
  });

  it('makes values JSON-ready: dates as ISO strings, binary redacted, undefined dropped', () => {
    const at = new Date('2030-01-02T03:04:05.000Z');
    expect(
      scrubSecrets({ at, blob: new Uint8Array([1]), gone: undefined, n: 10n, list: [at] }),
    ).toEqual({
      at: '2030-01-02T03:04:05.000Z',
      blob: REDACTED,
      n: '10',
      list: ['2030-01-02T03:04:05.000Z'],
    });
  });

  it('stops at a depth bound instead of recursing forever', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(JSON.stringify(scrubSecrets(cyclic))).toContain(REDACTED);
  });
});
