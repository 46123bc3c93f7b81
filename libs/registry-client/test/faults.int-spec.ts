import { buildImage, FaultProxy, ImagePusher, RegistryFixture } from '@airlock/testing';
import { RegistryClient, type Clock, type RegistryClientOptions } from '@airlock/registry-client';
import { opener, readAll, RequestLog, sha256 } from './support/streams';

const MiB = 1024 * 1024;
const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('RegistryClient through a fault-injecting proxy in front of a real registry', () => {
  const repository = 'faults/app';
  const image = buildImage({ layers: [{ size: 3 * MiB, compression: 'stored-gzip' }] });
  const layer = image.layers[0];
  const layerBytes = image.blobContents.get(layer.digest)!;
  const blobPath = new RegExp(`/blobs/${layer.digest}$`);
  let registry: RegistryFixture;
  let proxy: FaultProxy;
  const log = new RequestLog();
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => Date.now(),
    sleep: async (ms) => {
      sleeps.push(ms);
      await realSleep(ms);
    },
  };

  const client = (options: RegistryClientOptions = {}): RegistryClient =>
    new RegistryClient(
      { name: 'flaky', url: proxy.url },
      { onRequest: log.observer, clock, random: () => 0, ...options },
    );

  beforeAll(async () => {
    registry = await RegistryFixture.start({ name: 'faults' });
    proxy = await FaultProxy.start({ target: registry.url });
    const pusher = new ImagePusher(registry);
    try {
      await pusher.push(repository, image, ['1.0']);
    } finally {
      pusher.close();
    }
  });

  afterEach(() => {
    proxy.clearRules();
    proxy.clearRequests();
    log.clear();
    sleeps.length = 0;
  });

  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
    await RegistryFixture.stopAll();
  });

  it('resumes a blob read that broke mid-stream with Range, through a 503 on the way', async () => {
    proxy.addRule({ method: 'GET', path: blobPath, resetAfterBytes: MiB });
    proxy.addRule({
      method: 'GET',
      path: blobPath,
      status: 503,
      body: { errors: [{ code: 'UNAVAILABLE', message: 'busy' }] },
    });
    const bytes = await readAll(await client().openBlob(repository, layer));
    expect(bytes.equals(layerBytes)).toBe(true);
    expect(proxy.requests.map((r) => [r.range, r.status])).toEqual([
      [undefined, 200],
      [`bytes=${MiB}-`, 503],
      [`bytes=${MiB}-`, 206],
    ]);
  });

  it('gives up on a read that keeps breaking, after the configured resumes, with a retryable error', async () => {
    proxy.addRule({ method: 'GET', path: blobPath, resetAfterBytes: 100_000, times: Infinity });
    const stream = await client({ blobResumes: 2 }).openBlob(repository, layer);
    await expect(readAll(stream)).rejects.toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
      retryable: true,
      message: expect.stringContaining('broke off after 300000 of'),
    });
    expect(proxy.requests).toHaveLength(3);
  });

  it('never completes an upload fed by a corrupted read: DIGEST_MISMATCH, and the target has no blob', async () => {
    proxy.addRule({ method: 'GET', path: blobPath, corruptByte: layer.size - 10 });
    const target = new RegistryClient({ name: 'target', url: registry.url });
    const source = client();
    const push = target.pushBlob('faults/copy', layer, () => source.openBlob(repository, layer));
    await expect(push).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
      registry: 'flaky',
      retryable: false,
    });
    expect(await target.headBlob('faults/copy', layer.digest)).toBeUndefined();
  });

  it('retries a request whose connection was reset', async () => {
    proxy.addRule({ method: 'GET', path: /\/manifests\/1\.0$/, reset: true });
    expect((await client().getManifest(repository, '1.0')).digest).toBe(image.digest);
    expect(log.events.map((e) => [e.attempt, e.status ?? e.error])).toEqual([
      [1, 'ECONNRESET'],
      [2, 200],
    ]);
  });

  it('honours Retry-After in seconds and as an HTTP-date on 429', async () => {
    proxy.addRule({
      method: 'HEAD',
      path: /\/manifests\//,
      status: 429,
      headers: { 'Retry-After': '1' },
    });
    const date = new Date(Date.now() + 2000).toUTCString();
    proxy.addRule({
      method: 'HEAD',
      path: /\/manifests\//,
      status: 429,
      headers: { 'Retry-After': date },
    });
    expect((await client().headManifest(repository, '1.0'))?.digest).toBe(image.digest);
    expect(sleeps[0]).toBe(1000);
    expect(sleeps[1]).toBeGreaterThan(0);
    expect(sleeps[1]).toBeLessThanOrEqual(2000);
    expect(log.events.map((e) => e.status)).toEqual([429, 429, 200]);
  });

  it('gives up with a retryable REGISTRY_RATE_LIMITED when the registry keeps refusing', async () => {
    proxy.addRule({
      method: 'GET',
      path: /\/manifests\//,
      status: 429,
      times: Infinity,
      body: { errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] },
    });
    await expect(
      client({ retry: { maxAttempts: 3 } }).getManifest(repository, '1.0'),
    ).rejects.toMatchObject({
      code: 'REGISTRY_RATE_LIMITED',
      retryable: true,
      status: 429,
      ociCode: 'TOOMANYREQUESTS',
      message: expect.stringMatching(
        /GET \/v2\/faults\/app\/manifests\/1\.0 answered 429 \(TOOMANYREQUESTS: slow down\) — gave up after 3 attempts/,
      ),
    });
    expect(proxy.requests).toHaveLength(3);
  });

  it('times out waiting for headers, and retries', async () => {
    proxy.addRule({ method: 'GET', path: /\/manifests\/1\.0$/, delayMs: 1500 });
    const impatient = client({ timeouts: { headersMs: 300 } });
    expect((await impatient.getManifest(repository, '1.0')).digest).toBe(image.digest);
    expect(log.events.map((e) => e.status ?? e.error)).toEqual(['ETIMEDOUT', 200]);
  });

  it('starts a broken upload over in a new session, reopening the source', async () => {
    proxy.addRule({ method: 'PUT', path: /\/blobs\/uploads\//, reset: true });
    const bytes = Buffer.alloc(MiB, 5);
    const blob = { digest: sha256(bytes), size: bytes.length };
    const source = opener(bytes);
    await client().pushBlob('faults/upload', blob, source.open);
    expect(source.opened()).toBe(2);
    expect(proxy.requests.map((r) => r.method)).toEqual(['POST', 'PUT', 'DELETE', 'POST', 'PUT']);
    expect(await client().headBlob('faults/upload', blob.digest)).toBe(bytes.length);
  });

  it('falls back to a chunked upload when the monolithic PUT is refused with 413', async () => {
    proxy.addRule({ method: 'PUT', path: /\/blobs\/uploads\//, status: 413 });
    const bytes = Buffer.alloc(2 * MiB + 5, 6);
    const blob = { digest: sha256(bytes), size: bytes.length };
    await client({ upload: { chunkSize: MiB } }).pushBlob(
      'faults/chunked',
      blob,
      opener(bytes).open,
    );
    expect(proxy.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      'POST 202',
      'PUT 413',
      'DELETE 204',
      'POST 202',
      'PATCH 202',
      'PATCH 202',
      'PATCH 202',
      'PUT 201',
    ]);
    expect((await readAll(await client().openBlob('faults/chunked', blob))).equals(bytes)).toBe(
      true,
    );
  });
});
