import type { Clock } from '../clock';
import { Authenticator } from './authenticator';
import { Scopes } from './scope';
import type { IssuedToken, TokenRequest } from './token-fetcher';

const challenge =
  'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:app:pull"';
const credentials = { username: 'robot', password: 'secret' };

/** Issues token-1, token-2, … and records what was asked for. */
class FakeTokens {
  readonly requests: TokenRequest[] = [];
  expiresInMs = 300_000;

  async fetch(request: TokenRequest): Promise<IssuedToken> {
    const token = `token-${this.requests.push(request)}`;
    await new Promise((resolve) => setImmediate(resolve));
    return { token, expiresInMs: this.expiresInMs };
  }
}

describe('Authenticator', () => {
  let now = 0;
  const clock: Clock = { now: () => now, sleep: async () => undefined };
  let tokens: FakeTokens;
  let auth: Authenticator;

  beforeEach(() => {
    tokens = new FakeTokens();
    auth = new Authenticator('r', credentials, tokens, clock);
  });

  it('sends nothing until a challenge names the scheme', async () => {
    expect(await auth.authorize(Scopes.pull('app'), 1)).toBeUndefined();
  });

  it('answers a Bearer challenge with a token for our scopes plus the challenge’s, then reuses it up front', async () => {
    const first = await auth.answer(
      challenge,
      Scopes.push('app'),
      undefined,
      'PUT /v2/app/manifests/1',
      1,
    );
    expect(first).toMatchObject({ header: 'Bearer token-1', fresh: true });
    expect(tokens.requests).toEqual([
      {
        realm: 'https://auth.example/token',
        service: 'registry.example',
        // The challenge's `pull` is already within our `pull,push`: one scope, not two.
        scopes: ['repository:app:pull,push'],
      },
    ]);
    expect(await auth.authorize(Scopes.push('app'), 1)).toMatchObject({
      header: 'Bearer token-1',
      fresh: false,
    });
    expect(tokens.requests).toHaveLength(1);
  });

  it('fetches one token for concurrent requests of the same scope, another for another scope', async () => {
    await auth.answer(challenge, Scopes.none, undefined, 'GET /v2/', 1);
    const [a, b, c] = await Promise.all([
      auth.authorize(Scopes.pull('app'), 1),
      auth.authorize(Scopes.pull('app'), 1),
      auth.authorize(Scopes.pull('other'), 1),
    ]);
    expect(a?.header).toBe(b?.header);
    expect(c?.header).not.toBe(a?.header);
    expect(tokens.requests).toHaveLength(3);
  });

  it('forgets a refused token and gets a new one', async () => {
    const first = await auth.answer(challenge, Scopes.pull('app'), undefined, 'GET x', 1);
    const cached = await auth.authorize(Scopes.pull('app'), 1);
    const second = await auth.answer(challenge, Scopes.pull('app'), cached, 'GET x', 1);
    expect(second.header).not.toBe(first.header);
    expect(await auth.authorize(Scopes.pull('app'), 1)).toMatchObject({
      header: second.header,
      fresh: false,
    });
  });

  it('fetches up front once the cached token is about to expire', async () => {
    tokens.expiresInMs = 60_000;
    await auth.answer(challenge, Scopes.pull('app'), undefined, 'GET x', 1);
    now += 55_000;
    expect(await auth.authorize(Scopes.pull('app'), 1)).toMatchObject({
      header: 'Bearer token-2',
      fresh: true,
    });
  });

  it('answers Basic with the credentials, and refuses when there are none', async () => {
    expect(await auth.answer('Basic realm="x"', Scopes.none, undefined, 'GET /v2/', 1)).toEqual({
      header: `Basic ${Buffer.from('robot:secret').toString('base64')}`,
      fresh: true,
    });
    const anonymous = new Authenticator('r', undefined, tokens, clock);
    await expect(
      anonymous.answer('Basic realm="x"', Scopes.none, undefined, 'GET /v2/', 1),
    ).rejects.toMatchObject({
      code: 'REGISTRY_AUTH_FAILED',
      message: 'registry "r": GET /v2/ requires HTTP Basic credentials and none are configured',
    });
  });

  it('refuses a 401 without a usable challenge', async () => {
    await expect(
      auth.answer(undefined, Scopes.none, undefined, 'GET /v2/', 1),
    ).rejects.toMatchObject({ code: 'REGISTRY_AUTH_FAILED' });
    await expect(
      auth.answer('Bearer service="x"', Scopes.none, undefined, 'GET /v2/', 1),
    ).rejects.toMatchObject({ code: 'REGISTRY_AUTH_FAILED' });
  });

  it('words a final 401: no credentials, insufficient scope, or rejected credentials', () => {
    const insufficient = `${challenge},error="insufficient_scope"`;
    expect(auth.rejected(insufficient, Scopes.push('app'), 'PUT x')).toMatchObject({
      code: 'REGISTRY_ACCESS_DENIED',
      message:
        'registry "r": PUT x answered 401 (insufficient_scope): the credentials do not grant repository:app:pull,push',
    });
    expect(auth.rejected(challenge, Scopes.pull('app'), 'GET x').message).toContain(
      'rejected the configured credentials',
    );
    const anonymous = new Authenticator('r', undefined, tokens, clock);
    expect(anonymous.rejected(insufficient, Scopes.pull('app'), 'GET x')).toMatchObject({
      code: 'REGISTRY_AUTH_FAILED',
    });
  });

  it('tells its logger each decision — challenge, scheme, token — never a token or the password', async () => {
    const lines: string[] = [];
    const logged = new Authenticator('r', credentials, tokens, clock, {
      debug: (m) => lines.push(m),
      warn: (m) => lines.push(m),
    });
    const first = await logged.answer(challenge, Scopes.pull('app'), undefined, 'GET x', 1);
    await logged.answer(challenge, Scopes.pull('app'), first, 'GET x', 1);
    await logged.answer('Basic realm="x"', Scopes.none, undefined, 'GET /v2/', 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([
      'registry "r": GET x answered 401 with a challenge for Bearer (realm https://auth.example/token, service registry.example): getting a token with credentials',
      'registry "r": got a bearer token for repository:app:pull, cached for 300 s',
      'registry "r": GET x answered 401 to a cached bearer token with a challenge for Bearer (realm https://auth.example/token, service registry.example): getting a token with credentials',
      'registry "r": got a bearer token for repository:app:pull, cached for 300 s',
      'registry "r": GET /v2/ answered 401 with a challenge for Basic: sending the configured credentials',
    ]);
    expect(lines.join('\n')).not.toMatch(/token-\d|secret|cm9ib3Q6c2VjcmV0/);
  });
});
