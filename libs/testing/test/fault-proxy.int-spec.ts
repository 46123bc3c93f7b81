import { get, type IncomingHttpHeaders } from 'node:http';
import { buildImage, ImagePusher, MANIFEST_ACCEPT, sha256Digest } from '../src/images';
import { waitFor } from '../src/process/wait-for';
import { FaultProxy, type OciErrorBody, type ProxiedRequest, type StatusFault } from '../src/proxy';
import { RegistryFixture } from '../src/registry';

/** A GET that reports what arrived even when the connection breaks (fetch hides the byte count). */
interface RawResponse {
  status?: number;
  headers?: IncomingHttpHeaders;
  body: Buffer;
  /** Set when the connection failed before the body was complete. */
  error?: NodeJS.ErrnoException;
}

function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const result = (): RawResponse => ({ ...seen, body: Buffer.concat(chunks) });
    let seen: Omit<RawResponse, 'body'> = {};
    const req = get(url, { headers, agent: false }, (res) => {
      seen = { status: res.statusCode, headers: res.headers };
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(result()));
      res.on('error', (error) => resolve({ ...result(), error }));
    });
    req.on('error', (error) => resolve({ ...result(), error }));
  });
}

const UNAVAILABLE: OciErrorBody = { errors: [{ code: 'UNAVAILABLE', message: 'try again later' }] };

describe('fault proxy in front of a real registry', () => {
  const repository = 'proxy/app';
  const image = buildImage({ layers: [{ size: 3 * 1024 * 1024, compression: 'stored-gzip' }] });
  const layer = image.layers[0];
  const layerBytes = image.blobContents.get(layer.digest)!;
  let registry: RegistryFixture;
  let proxy: FaultProxy;
  let pushLog: ProxiedRequest[];
  let blobUrl: string;
  let manifestUrl: string;

  beforeAll(async () => {
    registry = await RegistryFixture.start({ name: 'proxied' });
    proxy = await FaultProxy.start({ target: registry.url });
    const pusher = new ImagePusher({ url: proxy.url });
    try {
      await pusher.push(repository, image, ['1.0']);
    } finally {
      pusher.close();
    }
    pushLog = [...proxy.requests];
    blobUrl = `${proxy.url}/v2/${repository}/blobs/${layer.digest}`;
    manifestUrl = `${proxy.url}/v2/${repository}/manifests/1.0`;
  });

  afterEach(() => {
    proxy.clearRules();
    proxy.clearRequests();
  });

  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
    await RegistryFixture.stopAll();
  });

  describe('without rules', () => {
    it('carries a whole push: every upload PUT came back through the proxy', () => {
      const puts = pushLog.filter((r) => r.method === 'PUT');
      expect(puts.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      expect(
        puts.filter(
          (r) =>
            r.path.startsWith(`/v2/${repository}/blobs/uploads/`) && r.path.includes('digest='),
        ),
      ).toHaveLength(2);
      expect(pushLog.every((r) => r.fault === undefined && !r.hasAuthorization)).toBe(true);
    });

    it('serves what was pushed, byte for byte', async () => {
      const manifest = await fetch(manifestUrl, { headers: { Accept: MANIFEST_ACCEPT } });
      expect(manifest.status).toBe(200);
      expect(manifest.headers.get('docker-content-digest')).toBe(image.digest);
      expect(Buffer.from(await manifest.arrayBuffer())).toEqual(image.manifestBytes);
      const blob = await fetch(blobUrl);
      expect(sha256Digest(Buffer.from(await blob.arrayBuffer()))).toBe(layer.digest);
    });

    it('moves an upload Location on the target to the proxy', async () => {
      const started = await fetch(`${proxy.url}/v2/${repository}/blobs/uploads/`, {
        method: 'POST',
      });
      expect(started.status).toBe(202);
      const location = started.headers.get('location')!;
      expect(new URL(location, proxy.url).origin).toBe(proxy.url);
      expect((await fetch(new URL(location, proxy.url), { method: 'DELETE' })).status).toBe(204);
    });

    it('passes Range requests through untouched', async () => {
      const res = await fetch(blobUrl, { headers: { Range: 'bytes=1000-1999' } });
      expect(res.status).toBe(206);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(layerBytes.subarray(1000, 2000));
      expect(proxy.requests).toEqual([
        expect.objectContaining({ method: 'GET', range: 'bytes=1000-1999', status: 206 }),
      ]);
    });

    it('records whether a request carried an Authorization header', async () => {
      await (
        await fetch(`${proxy.url}/v2/`, {
          headers: { Authorization: 'Basic dGVzdGVyOnNlY3JldA==' },
        })
      ).arrayBuffer();
      await (await fetch(`${proxy.url}/v2/`)).arrayBuffer();
      expect(proxy.requests.map((r) => r.hasAuthorization)).toEqual([true, false]);
    });
  });

  describe('status faults', () => {
    const httpDate = new Date(Date.now() + 2000).toUTCString();
    const cases: Array<[string, StatusFault]> = [
      [
        '503 with Retry-After seconds and an OCI error body',
        { status: 503, headers: { 'Retry-After': '1' }, body: UNAVAILABLE },
      ],
      ['429 with a Retry-After HTTP-date', { status: 429, headers: { 'Retry-After': httpDate } }],
      [
        '401 with a challenge',
        { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="proxy"' } },
      ],
      ['408', { status: 408 }],
      ['500', { status: 500, body: 'boom' }],
    ];

    it.each(cases)('answer %s once, then pass through', async (_name, fault) => {
      const handle = proxy.addRule({ method: 'GET', path: /\/manifests\//, ...fault });
      const faulted = await fetch(manifestUrl, { headers: { Accept: MANIFEST_ACCEPT } });
      expect(faulted.status).toBe(fault.status);
      for (const [name, value] of Object.entries(fault.headers ?? {}))
        expect(faulted.headers.get(name)).toBe(value);
      const body = await faulted.text();
      expect(body).toBe(
        typeof fault.body === 'object' ? JSON.stringify(fault.body) : (fault.body ?? ''),
      );
      const passed = await fetch(manifestUrl, { headers: { Accept: MANIFEST_ACCEPT } });
      expect(passed.status).toBe(200);
      await passed.arrayBuffer();
      expect(handle).toMatchObject({ kind: 'status', applied: 1, remaining: 0 });
      expect(proxy.requests).toEqual([
        expect.objectContaining({ method: 'GET', fault: 'status', status: fault.status }),
        expect.objectContaining({ method: 'GET', status: 200 }),
      ]);
      expect(proxy.requests[1].fault).toBeUndefined();
    });

    it('never reach the target: a faulted manifest PUT creates no tag', async () => {
      proxy.addRule({
        method: 'PUT',
        path: /\/manifests\/faulted$/,
        status: 500,
        body: UNAVAILABLE,
      });
      const put = () =>
        fetch(`${proxy.url}/v2/${repository}/manifests/faulted`, {
          method: 'PUT',
          headers: { 'Content-Type': image.mediaType },
          body: image.manifestBytes,
        });
      expect((await put()).status).toBe(500);
      const direct = `${registry.url}/v2/${repository}/manifests/faulted`;
      expect(
        (await fetch(direct, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } })).status,
      ).toBe(404);
      expect((await put()).status).toBe(201);
      expect(
        (await fetch(direct, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } })).status,
      ).toBe(200);
    });
  });

  describe('rule matching', () => {
    it('applies a rule `times` times, then lets requests through', async () => {
      const handle = proxy.addRule({ path: /\/manifests\//, status: 503, times: 2 });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(manifestUrl, { headers: { Accept: MANIFEST_ACCEPT } });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      expect(statuses).toEqual([503, 503, 200]);
      expect(handle).toMatchObject({ applied: 2, remaining: 0 });
    });

    it('matches on the method and on the path without its query', async () => {
      proxy.addRule({
        method: 'head',
        path: /^\/v2\/proxy\/app\/blobs\/sha256:[0-9a-f]+$/,
        status: 404,
      });
      expect(
        (await fetch(`${blobUrl}?ignored=1`, { method: 'GET', headers: { Range: 'bytes=0-0' } }))
          .status,
      ).toBe(206);
      expect(
        (await fetch(manifestUrl, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } })).status,
      ).toBe(200);
      expect((await fetch(`${blobUrl}?ignored=1`, { method: 'HEAD' })).status).toBe(404);
      expect(proxy.requests.map((r) => r.fault)).toEqual([undefined, undefined, 'status']);
    });
  });

  describe('connection faults', () => {
    it('reset: drops the connection without an answer, once', async () => {
      proxy.addRule({ method: 'GET', path: /\/manifests\//, reset: true });
      const reset = await rawGet(manifestUrl, { Accept: MANIFEST_ACCEPT });
      expect(reset.status).toBeUndefined();
      expect(reset.error?.code).toBe('ECONNRESET');
      expect((await rawGet(manifestUrl, { Accept: MANIFEST_ACCEPT })).status).toBe(200);
      expect(proxy.requests).toEqual([
        {
          method: 'GET',
          path: `/v2/${repository}/manifests/1.0`,
          hasAuthorization: false,
          fault: 'reset',
        },
        expect.objectContaining({ status: 200 }),
      ]);
    });

    it('resetAfterBytes: cuts the blob after exactly N bytes, and a Range read resumes it', async () => {
      proxy.addRule({ method: 'GET', path: /\/blobs\//, resetAfterBytes: 100_000 });
      const cut = await rawGet(blobUrl);
      expect(cut.status).toBe(200);
      expect(cut.headers?.['content-length']).toBe(String(layerBytes.length));
      expect(cut.error).toBeDefined();
      expect(cut.body).toEqual(layerBytes.subarray(0, 100_000));
      const rest = await rawGet(blobUrl, { Range: 'bytes=100000-' });
      expect(rest.status).toBe(206);
      expect(rest.error).toBeUndefined();
      expect(sha256Digest(Buffer.concat([cut.body, rest.body]))).toBe(layer.digest);
      expect(proxy.requests.map(({ fault, status, range }) => ({ fault, status, range }))).toEqual([
        { fault: 'resetAfterBytes', status: 200, range: undefined },
        { fault: undefined, status: 206, range: 'bytes=100000-' },
      ]);
    });

    it('resetAfterBytes 0: sends the headers only', async () => {
      proxy.addRule({ path: /\/blobs\//, resetAfterBytes: 0 });
      const cut = await rawGet(blobUrl);
      expect(cut.status).toBe(200);
      expect(cut.body).toHaveLength(0);
      expect(cut.error).toBeDefined();
    });

    it('corruptByte: serves the full length with one byte inverted, once', async () => {
      proxy.addRule({ method: 'GET', path: /\/blobs\//, corruptByte: 70_000 });
      const corrupted = await rawGet(blobUrl);
      expect(corrupted.error).toBeUndefined();
      expect(corrupted.body).toHaveLength(layerBytes.length);
      const differing = [...corrupted.body.keys()].filter(
        (i) => corrupted.body[i] !== layerBytes[i],
      );
      expect(differing).toEqual([70_000]);
      expect(corrupted.body[70_000]).toBe(layerBytes[70_000] ^ 0xff);
      expect(sha256Digest((await rawGet(blobUrl)).body)).toBe(layer.digest);
      expect(proxy.requests.map((r) => r.fault)).toEqual(['corruptByte', undefined]);
    });

    it('delayMs: holds the request while others pass, then forwards it', async () => {
      proxy.addRule({ method: 'GET', path: /\/manifests\//, delayMs: 1500 });
      let delayedSettled = false;
      const delayed = rawGet(manifestUrl, { Accept: MANIFEST_ACCEPT }).finally(
        () => (delayedSettled = true),
      );
      await waitFor(
        'the delayed request to arrive',
        () => (proxy.requests.length === 1 ? true : undefined),
        5000,
        10,
      );
      expect((await rawGet(`${proxy.url}/v2/`)).status).toBe(200);
      expect(delayedSettled).toBe(false);
      expect((await delayed).status).toBe(200);
      expect(proxy.requests.map((r) => r.fault)).toEqual(['delayMs', undefined]);
    });
  });
});

describe('fault proxy in front of an https registry', () => {
  let registry: RegistryFixture;
  let proxy: FaultProxy;

  beforeAll(async () => {
    registry = await RegistryFixture.start({ name: 'proxied-tls', tls: true });
    proxy = await FaultProxy.start({ target: registry.url, ca: registry.caCertPem });
  });

  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
    await RegistryFixture.stopAll();
  });

  it('trusts the given CA and keeps a plain-http client on the proxy through an upload', async () => {
    const image = buildImage();
    const pusher = new ImagePusher({ url: proxy.url });
    try {
      await pusher.push('tls/app', image, ['1.0']);
      expect((await pusher.getManifest('tls/app', '1.0'))?.bytes).toEqual(image.manifestBytes);
    } finally {
      pusher.close();
    }
    expect(proxy.requests.filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([
      201, 201, 201, 201,
    ]);
  });
});
