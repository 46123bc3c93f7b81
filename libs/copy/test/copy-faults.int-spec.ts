import { CopyEngine } from '@airlock/copy';
import { RegistryClient } from '@airlock/registry-client';
import {
  buildImage,
  buildIndex,
  FaultProxy,
  ImagePusher,
  RegistryFixture,
  type TestImage,
} from '@airlock/testing';
import { clientFor } from './registry-clients';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Faults injected by a proxy between the engine and real registries. */
describe('copy engine under faults', () => {
  const engine = new CopyEngine();
  let source: RegistryFixture;
  let target: RegistryFixture;
  let sourceProxy: FaultProxy;
  let targetProxy: FaultProxy;
  let counter = 0;

  beforeAll(async () => {
    [source, target] = await Promise.all([
      RegistryFixture.start({ name: 'src' }),
      RegistryFixture.start({ name: 'dst' }),
    ]);
    [sourceProxy, targetProxy] = await Promise.all([
      FaultProxy.start({ target: source.url }),
      FaultProxy.start({ target: target.url }),
    ]);
  });

  afterEach(() => {
    sourceProxy.clearRules();
    targetProxy.clearRules();
  });

  afterAll(async () => {
    await Promise.all([sourceProxy?.stop(), targetProxy?.stop()]);
    await Promise.all([source?.stop(), target?.stop()]);
  });

  /** A fresh image in the source, and clients that go through the proxies. */
  async function setup(
    image: TestImage = buildImage({ layers: [{ size: 400_000 }, { size: 30_000 }] }),
  ) {
    const repository = `faults/app-${++counter}`;
    const pusher = new ImagePusher(source);
    await pusher.push(repository, image);
    pusher.close();
    const fast = { retry: { baseDelayMs: 10, maxDelayMs: 100 } };
    const request = {
      source: {
        registry: new RegistryClient({ name: 'src', url: sourceProxy.url }, fast),
        repository,
        digest: image.digest,
      },
      target: {
        registry: new RegistryClient({ name: 'dst', url: targetProxy.url }, fast),
        repository,
        tags: ['v1'],
      },
    };
    const largest = [...image.blobs].sort((a, b) => b.size - a.size)[0];
    return { image, repository, request, blobPath: new RegExp(`/blobs/${largest?.digest}$`) };
  }

  const tagOf = async (repository: string) =>
    clientFor(target, 'direct').headManifest(repository, 'v1');

  it('fails with DIGEST_MISMATCH on a blob that stays corrupt, and tags nothing', async () => {
    const { repository, request, blobPath } = await setup();
    sourceProxy.addRule({ method: 'GET', path: blobPath, corruptByte: 1000, times: 2 });
    await expect(engine.copy(request)).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
      retryable: false,
    });
    expect(await tagOf(repository)).toBeUndefined();
    expect(
      await clientFor(target, 'direct').headManifest(repository, request.source.digest),
    ).toBeUndefined();
  });

  it('recovers from a blob corrupted once (verified, then copied again)', async () => {
    const { image, repository, request, blobPath } = await setup();
    const fault = sourceProxy.addRule({ method: 'GET', path: blobPath, corruptByte: 5, times: 1 });
    const result = await engine.copy(request);
    expect(fault.applied).toBe(1);
    expect(result.digest).toBe(image.digest);
    expect((await tagOf(repository))?.digest).toBe(image.digest);
  });

  it('retries a 503 and resumes a read cut in the middle of a blob with a Range request', async () => {
    const { image, repository, request, blobPath } = await setup();
    const unavailable = sourceProxy.addRule({
      method: 'GET',
      path: blobPath,
      status: 503,
      times: 1,
    });
    const cut = sourceProxy.addRule({
      method: 'GET',
      path: blobPath,
      resetAfterBytes: 100_000,
      times: 1,
    });
    await engine.copy(request);
    expect([unavailable.applied, cut.applied]).toEqual([1, 1]);
    expect(
      sourceProxy.requests.some((r) => blobPath.test(r.path) && r.range === 'bytes=100000-'),
    ).toBe(true);
    expect((await tagOf(repository))?.digest).toBe(image.digest);
  });

  it('retries after a reset connection, on reads and on uploads', async () => {
    const { image, repository, request, blobPath } = await setup();
    const reads = sourceProxy.addRule({ method: 'GET', path: blobPath, reset: true, times: 1 });
    const uploads = targetProxy.addRule({
      method: 'PUT',
      path: /\/blobs\/uploads\//,
      reset: true,
      times: 1,
    });
    await engine.copy(request);
    expect([reads.applied, uploads.applied]).toEqual([1, 1]);
    expect((await tagOf(repository))?.digest).toBe(image.digest);
  });

  it('honours 429 Retry-After before trying again', async () => {
    const { image, repository, request } = await setup();
    const limited = sourceProxy.addRule({
      method: 'GET',
      path: /\/manifests\//,
      status: 429,
      headers: { 'Retry-After': '1' },
      times: 1,
    });
    const started = Date.now();
    await engine.copy(request);
    expect(limited.applied).toBe(1);
    // Correctness, not speed: the retry did not come before the second the registry asked for.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect((await tagOf(repository))?.digest).toBe(image.digest);
  });

  it('fails before writing anything when a child of the source index is missing', async () => {
    const index = buildIndex({ layers: [{ size: 1024 }] });
    const { repository, request } = await setup(index);
    sourceProxy.addRule({
      method: 'GET',
      path: new RegExp(`/manifests/${index.children[2].digest}$`),
      status: 404,
      body: { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] },
      times: Infinity,
    });
    targetProxy.clearRequests();
    await expect(engine.copy(request)).rejects.toMatchObject({ code: 'REGISTRY_NOT_FOUND' });
    expect(targetProxy.requests.filter((r) => WRITES.has(r.method))).toEqual([]);
    expect(await tagOf(repository)).toBeUndefined();
  });
});

describe('copy engine: token expiry', () => {
  const engine = new CopyEngine();
  let source: RegistryFixture;
  let secure: RegistryFixture;
  let proxy: FaultProxy;

  beforeAll(async () => {
    [source, secure] = await Promise.all([
      RegistryFixture.start({ name: 'src' }),
      RegistryFixture.start({ name: 'secure', auth: 'token', tls: true }),
    ]);
    proxy = await FaultProxy.start({ target: secure.url, ca: secure.caCertPem });
  });

  afterAll(async () => {
    await proxy?.stop();
    await Promise.all([source?.stop(), secure?.stop()]);
  });

  async function pushed(repository: string) {
    const image = buildImage({ layers: [{ size: 50_000 }] });
    const pusher = new ImagePusher(source);
    await pusher.push(repository, image);
    pusher.close();
    return image;
  }

  it('re-authenticates when the registry answers 401 in the middle of a copy', async () => {
    const image = await pushed('expiry/app');
    const target = new RegistryClient({
      name: 'secure',
      url: proxy.url,
      credentials: secure.credentials,
    });
    const src = clientFor(source, 'src');
    // Warm the token cache, then make the registry refuse it once during the upload.
    await target.ping();
    const issuedBefore = secure.tokenServer!.issued;
    const challenge = `Bearer realm="${secure.tokenServer!.realm}",service="${secure.tokenServer!.service}",scope="repository:expiry/app:pull,push"`;
    const refusal = proxy.addRule({
      method: 'PUT',
      path: /\/blobs\/uploads\//,
      status: 401,
      headers: { 'WWW-Authenticate': challenge },
      times: 1,
    });
    const result = await engine.copy({
      source: { registry: src, repository: 'expiry/app', digest: image.digest },
      target: { registry: target, repository: 'expiry/app', tags: ['v1'] },
    });
    expect(refusal.applied).toBe(1);
    expect(result.digest).toBe(image.digest);
    expect(secure.tokenServer!.issued).toBeGreaterThan(issuedBefore);
  });

  it('keeps copying with the same client after its token really expired', async () => {
    const target = clientFor(secure, 'secure');
    const src = clientFor(source, 'src');
    const first = await pushed('expiry/one');
    // Only the tokens of the first copy are short-lived: they expire at a whole second at least
    // 4 s away, so a loaded machine still finishes that copy with them.
    const expiresAt = Math.ceil(Date.now() / 1000) + 4;
    secure.tokenServer!.tokenExpiresAt = expiresAt;
    try {
      await engine.copy({
        source: { registry: src, repository: 'expiry/one', digest: first.digest },
        target: { registry: target, repository: 'expiry/one' },
      });
    } finally {
      secure.tokenServer!.tokenExpiresAt = undefined;
    }
    const issuedBefore = secure.tokenServer!.issued;
    // The cached token is past its expiry now; the second copy must get a new one.
    const left = (expiresAt + 1) * 1000 - Date.now();
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    const second = await pushed('expiry/one');
    const result = await engine.copy({
      source: { registry: src, repository: 'expiry/one', digest: second.digest },
      target: { registry: target, repository: 'expiry/one', tags: ['v2'] },
    });
    expect(result.digest).toBe(second.digest);
    expect(secure.tokenServer!.issued).toBeGreaterThan(issuedBefore);
  });
});
