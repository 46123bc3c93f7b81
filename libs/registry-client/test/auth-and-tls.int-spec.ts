import { buildImage, RegistryFixture, Skopeo, type TestImage } from '@airlock/testing';
import {
  RegistryClient,
  type RegistryClientOptions,
  type RegistryError,
} from '@airlock/registry-client';
import { opener, readAll, RequestLog } from './support/streams';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function pushImage(
  client: RegistryClient,
  repository: string,
  image: TestImage,
  tag?: string,
): Promise<void> {
  for (const blob of image.blobs)
    await client.pushBlob(repository, blob, opener(image.blobContents.get(blob.digest)!).open);
  await client.putManifest(repository, tag ?? image.digest, {
    mediaType: image.mediaType,
    bytes: image.manifestBytes,
  });
}

/** Everything an error exposes to logs and API responses. */
function exposed(error: RegistryError): string {
  return JSON.stringify({ message: error.message, details: error.details, stack: error.stack });
}

describe('RegistryClient with htpasswd (Basic) auth', () => {
  let registry: RegistryFixture;
  const log = new RequestLog();

  beforeAll(async () => {
    registry = await RegistryFixture.start({ auth: 'htpasswd', name: 'basic' });
  });

  afterEach(() => log.clear());

  afterAll(async () => {
    await registry?.stop();
    await RegistryFixture.stopAll();
  });

  it('answers the Basic challenge once, then sends the credentials up front', async () => {
    const client = new RegistryClient(
      { name: 'basic', url: registry.url, credentials: registry.credentials },
      { onRequest: log.observer },
    );
    const image = buildImage();
    await pushImage(client, 'basic/app', image, '1.0');
    expect((await client.getManifest('basic/app', '1.0')).digest).toBe(image.digest);
    expect(log.count((e) => e.status === 401)).toBe(1);
    expect(
      await Skopeo.inspectDigest(`${registry.host}/basic/app:1.0`, {
        credentials: registry.credentials,
        tls: false,
      }),
    ).toBe(image.digest);
  });

  it('fails with REGISTRY_AUTH_FAILED for a wrong password, without repeating it anywhere', async () => {
    const password = 'definitely-wrong-password';
    const client = new RegistryClient(
      { name: 'basic', url: registry.url, credentials: { username: 'tester', password } },
      { onRequest: log.observer },
    );
    const error = (await client.ping().catch((e: unknown) => e)) as RegistryError;
    expect(error).toMatchObject({
      code: 'REGISTRY_AUTH_FAILED',
      retryable: false,
      registry: 'basic',
    });
    expect(error.message).toContain('rejected the configured credentials');
    expect(exposed(error)).not.toContain(password);
    expect(exposed(error)).not.toContain(Buffer.from(`tester:${password}`).toString('base64'));
    expect(log.events.map((e) => e.status)).toEqual([401, 401]);
  });

  it('fails with REGISTRY_AUTH_FAILED when no credentials are configured', async () => {
    const client = new RegistryClient({ name: 'basic', url: registry.url });
    await expect(client.headManifest('basic/app', '1.0')).rejects.toMatchObject({
      code: 'REGISTRY_AUTH_FAILED',
      message: expect.stringContaining('none are configured'),
    });
  });
});

describe('RegistryClient with bearer tokens over TLS (private CA)', () => {
  let registry: RegistryFixture;
  const log = new RequestLog();
  const image = buildImage({ layers: [{ size: 64 * 1024 }, { size: 4096 }] });

  const client = (
    options: RegistryClientOptions = {},
    tls: { caPem?: string; insecure?: boolean } = { caPem: registry.caCertPem },
  ) =>
    new RegistryClient(
      { name: 'token', url: registry.url, credentials: registry.credentials, tls },
      { onRequest: log.observer, ...options },
    );

  /** A "no-op re-copy": what the copy engine does when the target already holds the image. */
  async function readEverything(reader: RegistryClient): Promise<void> {
    expect((await reader.headManifest('token/app', image.digest))?.digest).toBe(image.digest);
    expect(
      (await reader.getManifest('token/app', image.digest)).bytes.equals(image.manifestBytes),
    ).toBe(true);
    for (const blob of image.blobs)
      expect(await reader.headBlob('token/app', blob.digest)).toBe(blob.size);
  }

  beforeAll(async () => {
    registry = await RegistryFixture.start({ auth: 'token', tls: true, name: 'token' });
    await pushImage(client(), 'token/app', image, '1.0');
  });

  afterEach(() => {
    log.clear();
    registry.tokenServer!.tokenTtlSeconds = 300;
  });

  afterAll(async () => {
    await registry?.stop();
    await RegistryFixture.stopAll();
  });

  it('pushed through the token flow with one pull,push token per repository; skopeo reads it back', async () => {
    expect(registry.tokenServer!.scopes).toContain('repository:token/app:pull,push');
    expect(await Skopeo.inspectDigest(`${registry.host}/token/app:1.0`, registry)).toBe(
      image.digest,
    );
  });

  it('reuses one token per scope: a no-op re-copy pays one 401 and one token, not one per request', async () => {
    const reader = client();
    const issued = registry.tokenServer!.issued;
    await readEverything(reader);
    await readEverything(reader);
    expect(registry.tokenServer!.issued).toBe(issued + 1);
    expect(log.count((e) => e.status === 401)).toBe(1);
    expect(log.count((e) => e.path.startsWith('/v2/'))).toBe(1 + 2 * (2 + image.blobs.length));
  });

  it('asks for one token holding both scopes to mount across repositories', async () => {
    const mounter = client();
    const layer = image.layers[0];
    expect(await mounter.mountBlob('token/mounted', layer.digest, 'token/app')).toBe(true);
    const token = registry.tokenServer!.issuedTokens.at(-1)!;
    expect(token.scopes.sort()).toEqual([
      'repository:token/app:pull',
      'repository:token/mounted:pull,push',
    ]);
    expect((await readAll(await mounter.openBlob('token/mounted', layer))).length).toBe(layer.size);
  });

  /**
   * The next tokens expire at a whole second at least 3 s away (whatever the clock's fraction,
   * so a loaded machine still finishes the first reads with them); later ones are long-lived.
   */
  const tokensExpireSoon = (): number => {
    const expiresAt = Math.ceil(Date.now() / 1000) + 3;
    registry.tokenServer!.tokenExpiresAt = expiresAt;
    return expiresAt;
  };
  /** Waits until the registry refuses a token that expired at `expiresAt`; tokens are long-lived again. */
  const pastExpiry = async (expiresAt: number): Promise<void> => {
    registry.tokenServer!.tokenExpiresAt = undefined;
    const left = (expiresAt + 1) * 1000 - Date.now();
    if (left > 0) await sleep(left);
  };

  it('fetches a new token up front once the cached one has expired', async () => {
    const expiresAt = tokensExpireSoon();
    const reader = client();
    await readEverything(reader);
    const issued = registry.tokenServer!.issued;
    await pastExpiry(expiresAt);
    log.clear();
    await readEverything(reader);
    expect(registry.tokenServer!.issued).toBe(issued + 1);
    expect(log.count((e) => e.status === 401)).toBe(0);
  });

  it('re-authenticates once when the registry refuses a token the client still trusts', async () => {
    // A clock that stands still keeps the token "valid" for the client: the registry's refusal
    // is then exactly what a revoked or early-expired token looks like mid-operation.
    const expiresAt = tokensExpireSoon();
    const frozen = Date.now();
    const reader = client({ clock: { now: () => frozen, sleep } });
    await readEverything(reader);
    const issued = registry.tokenServer!.issued;
    await pastExpiry(expiresAt);
    log.clear();
    await readEverything(reader);
    expect(registry.tokenServer!.issued).toBe(issued + 1);
    expect(log.count((e) => e.status === 401)).toBe(1);
  });

  it('says at debug what it sends and decides — paths, statuses, the token flow — never a token or the password', async () => {
    const lines: string[] = [];
    const logger = { debug: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };
    await readEverything(client({ logger }));
    const path = (p: string) => p.replace(/[/.]/g, '\\$&');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^registry "token": HEAD ${path('/v2/token/app/manifests/')}sha256:[0-9a-f]{64} → 401 in \\d+ ms \\(attempt 1\\)$`,
          ),
        ),
        expect.stringMatching(
          /answered 401 with a challenge for Bearer \(realm http:\/\/127\.0\.0\.1:\d+\/token, service [^)]+\): getting a token with credentials$/,
        ),
        expect.stringMatching(
          /^registry "token": GET 127\.0\.0\.1:\d+\/token → 200 in \d+ ms \(attempt 1, Basic\)$/,
        ),
        expect.stringMatching(
          /got a bearer token for repository:token\/app:pull, cached for \d+ s$/,
        ),
        expect.stringMatching(
          /^registry "token": HEAD \/v2\/token\/app\/blobs\/sha256:[0-9a-f]{64} → 200 in \d+ ms \(attempt 1, Bearer\)$/,
        ),
      ]),
    );
    const text = lines.join('\n');
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}/); // a JWT
    expect(text).not.toContain(registry.credentials.password);
    const { username, password } = registry.credentials;
    expect(text).not.toContain(Buffer.from(`${username}:${password}`).toString('base64'));
  });

  it('fails with REGISTRY_AUTH_FAILED when the token service refuses the password', async () => {
    const wrong = new RegistryClient(
      {
        name: 'token',
        url: registry.url,
        credentials: { username: registry.credentials.username, password: 'wrong-pw-123' },
        tls: { caPem: registry.caCertPem },
      },
      { onRequest: log.observer },
    );
    const error = (await wrong.ping().catch((e: unknown) => e)) as RegistryError;
    expect(error).toMatchObject({ code: 'REGISTRY_AUTH_FAILED', retryable: false });
    expect(error.message).toMatch(
      /token service http:\/\/127\.0\.0\.1:\d+\/token refused the configured credentials \(401\)/,
    );
    expect(exposed(error)).not.toContain('wrong-pw-123');
    expect(log.events.map((e) => `${e.path} ${e.status}`)).toEqual(['/v2/ 401', '/token 401']);
  });

  it('tells a client without credentials that they are needed', async () => {
    const anonymous = new RegistryClient({
      name: 'token',
      url: registry.url,
      tls: { caPem: registry.caCertPem },
    });
    await expect(anonymous.getManifest('token/app', '1.0')).rejects.toMatchObject({
      code: 'REGISTRY_AUTH_FAILED',
      message: expect.stringContaining('requires credentials and none are configured'),
    });
  });

  it('reports an untrusted certificate as a certificate problem naming tls.caPem, without retrying', async () => {
    const untrusting = client({}, {});
    const error = (await untrusting.ping().catch((e: unknown) => e)) as RegistryError;
    expect(error).toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
      retryable: false,
      operation: 'GET /v2/',
    });
    expect(error.message).toMatch(/certificate problem.*tls\.caPem/);
    expect(log.events).toHaveLength(1);
  });

  it('works with tls.insecure, and warns loudly each time such a client is built', async () => {
    const warnings: string[] = [];
    const logger = { debug: () => undefined, warn: (m: string) => warnings.push(m) };
    const insecure = client({ logger }, { insecure: true });
    await insecure.ping();
    client({ logger }, { insecure: true });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/registry "token": TLS certificate verification is DISABLED/);
  });

  it('without a logger, the tls.insecure warning still gets out as a process warning', () => {
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      client({}, { insecure: true });
      expect(emit).toHaveBeenCalledTimes(1);
      expect(emit.mock.calls[0]).toEqual([
        expect.stringMatching(/registry "token": TLS certificate verification is DISABLED/),
        'RegistryClientWarning',
      ]);
    } finally {
      emit.mockRestore();
    }
  });
});
