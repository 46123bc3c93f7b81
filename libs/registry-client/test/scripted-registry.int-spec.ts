import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MediaType, RegistryClient, type RegistryClientOptions } from '@airlock/registry-client';
import { ScriptedServer } from './support/scripted-server';
import { readAll, RequestLog, sha256 } from './support/streams';

// Behaviours CNCF distribution 2.8 never shows (it neither redirects blob reads nor pages tags
// nor has the referrers API), scripted: a registry with Basic auth and an object store.
describe('RegistryClient against a scripted registry', () => {
  const credentials = { username: 'robot', password: 'pa55word' };
  const basic = `Basic ${Buffer.from('robot:pa55word').toString('base64')}`;
  const blob = randomBytes(200_000);
  const digest = sha256(blob);
  const subject = sha256(Buffer.from('subject'));
  const referrers = [
    {
      mediaType: MediaType.OciManifest,
      digest: sha256(Buffer.from('sig')),
      size: 10,
      artifactType: 'application/vnd.example.sig',
    },
    {
      mediaType: MediaType.OciManifest,
      digest: sha256(Buffer.from('sbom')),
      size: 20,
      artifactType: 'application/spdx+json',
    },
  ];
  const log = new RequestLog();
  let storageMode: 'cut-then-range' | 'cut-then-ignore-range' | 'stall-then-range' =
    'cut-then-range';
  let claimFiltered = false;
  let registry: ScriptedServer;
  let storage: ScriptedServer;

  const client = (options: RegistryClientOptions = {}): RegistryClient =>
    new RegistryClient(
      { name: 'scripted', url: registry.url, credentials },
      { onRequest: log.observer, ...options },
    );

  function registryRoutes(req: IncomingMessage, res: ServerResponse): void {
    if (req.headers.authorization !== basic)
      return void res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="scripted"' }).end();
    const url = new URL(req.url ?? '/', registry.url);
    if (url.pathname === `/v2/app/blobs/${digest}`) {
      return void res
        .writeHead(307, { Location: `${storage.url}/bucket/blob?X-Signature=s3cr3t` })
        .end();
    }
    if (url.pathname === '/v2/app/tags/list') return tagsPage(url, res);
    if (url.pathname === `/v2/app/referrers/${subject}`) return referrersIndex(url, res);
    if (url.pathname === '/v2/app/manifests/loop')
      return void res.writeHead(302, { Location: '/v2/app/manifests/loop' }).end();
    if (url.pathname === '/v2/app/manifests/huge') {
      return void res
        .writeHead(200, {
          'Content-Type': MediaType.OciManifest,
          'Content-Length': String(5 * 1024 * 1024),
        })
        .end();
    }
    if (url.pathname === '/v2/app/manifests/endless') {
      res.writeHead(200, { 'Content-Type': MediaType.OciManifest });
      return void res.end(Buffer.alloc(4 * 1024 * 1024 + 1, 0x20));
    }
    if (url.pathname === `/v2/app/manifests/${subject}`) {
      return void res
        .writeHead(200, { 'Content-Type': MediaType.OciManifest })
        .end('{"schemaVersion":2}');
    }
    res
      .writeHead(404, { 'Content-Type': 'application/json' })
      .end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
  }

  function tagsPage(url: URL, res: ServerResponse): void {
    const pages: Record<string, { tags: string[]; link?: string }> = {
      '': { tags: ['a', 'b'], link: '</v2/app/tags/list?n=2&last=b>; rel="next"' },
      b: { tags: ['c', 'd'], link: `<${registry.url}/v2/app/tags/list?n=2&last=d>; rel="next"` },
      d: { tags: ['e'] },
    };
    const page = pages[url.searchParams.get('last') ?? ''];
    res.writeHead(200, {
      'Content-Type': 'application/json',
      ...(page.link ? { Link: page.link } : {}),
    });
    res.end(JSON.stringify({ name: 'app', tags: page.tags }));
  }

  function referrersIndex(url: URL, res: ServerResponse): void {
    const wanted = url.searchParams.get('artifactType');
    const filtered = claimFiltered && wanted !== null;
    res.writeHead(200, {
      'Content-Type': MediaType.OciIndex,
      ...(filtered ? { 'OCI-Filters-Applied': 'artifactType' } : {}),
    });
    res.end(
      JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: referrers }),
    );
  }

  /** The first read breaks (or stalls) at 50 000 bytes; later ones answer Range, or ignore it. */
  function storageRoutes(req: IncomingMessage, res: ServerResponse): void {
    const first = storage.seen.length === 1;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (first) {
      res.writeHead(200, { 'Content-Length': String(blob.length) });
      if (storageMode === 'stall-then-range') return void res.write(blob.subarray(0, 50_000));
      return void res.write(blob.subarray(0, 50_000), () => res.socket?.destroy());
    }
    if (!range || storageMode === 'cut-then-ignore-range')
      return void res.writeHead(200, { 'Content-Length': String(blob.length) }).end(blob);
    const start = Number(range[1]);
    res.writeHead(206, {
      'Content-Range': `bytes ${start}-${blob.length - 1}/${blob.length}`,
      'Content-Length': String(blob.length - start),
    });
    res.end(blob.subarray(start));
  }

  beforeAll(async () => {
    registry = await new ScriptedServer((req, res) => registryRoutes(req, res)).start();
    storage = await new ScriptedServer((req, res) => storageRoutes(req, res), 'localhost').start();
  });

  beforeEach(() => {
    storage.seen.length = 0;
    registry.seen.length = 0;
    log.clear();
  });

  afterAll(async () => {
    await Promise.all([registry?.stop(), storage?.stop()]);
  });

  it('follows a 307 to another origin without Authorization, and resumes there with Range', async () => {
    storageMode = 'cut-then-range';
    const read = await readAll(await client().openBlob('app', { digest, size: blob.length }));
    expect(read.equals(blob)).toBe(true);
    expect(storage.seen.map((r) => r.headers.range)).toEqual([undefined, 'bytes=50000-']);
    expect(storage.seen.every((r) => r.headers.authorization === undefined)).toBe(true);
    // Anonymous first (401), then with the credentials: the request that got redirected.
    expect(
      registry.seen.filter((r) => r.url.includes('/blobs/')).map((r) => r.headers.authorization),
    ).toEqual([undefined, basic, basic]);
    // Signed-URL queries are credentials too: the observer gets paths only.
    expect(log.events.filter((e) => e.path === '/bucket/blob')).toHaveLength(2);
    expect(JSON.stringify(log.events)).not.toContain('s3cr3t');
  });

  it('skips what it already has when the object store ignores Range and sends the whole blob', async () => {
    storageMode = 'cut-then-ignore-range';
    const read = await readAll(await client().openBlob('app', { digest, size: blob.length }));
    expect(read.equals(blob)).toBe(true);
    expect(storage.seen).toHaveLength(2);
  });

  it('treats a body that stops flowing as broken (idle timeout) and resumes it', async () => {
    storageMode = 'stall-then-range';
    const read = await readAll(
      await client({ timeouts: { idleMs: 300 } }).openBlob('app', { digest, size: blob.length }),
    );
    expect(read.equals(blob)).toBe(true);
    expect(storage.seen.map((r) => r.headers.range)).toEqual([undefined, 'bytes=50000-']);
  });

  it('stops a read when its signal aborts', async () => {
    storageMode = 'stall-then-range';
    const controller = new AbortController();
    const stream = await client().openBlob('app', { digest, size: blob.length }, controller.signal);
    setTimeout(() => controller.abort(new Error('job cancelled')), 50);
    await expect(readAll(stream)).rejects.toThrow('job cancelled');
    expect(storage.seen).toHaveLength(1);
  });

  it('follows Link pagination, relative and absolute, to the last page', async () => {
    expect(await client({ tagPageSize: 2 }).listTags('app')).toEqual(['a', 'b', 'c', 'd', 'e']);
    const authorized = registry.seen.filter((r) => r.headers.authorization === basic);
    expect(authorized.map((r) => r.url)).toEqual([
      '/v2/app/tags/list?n=2',
      '/v2/app/tags/list?n=2&last=b',
      '/v2/app/tags/list?n=2&last=d',
    ]);
  });

  it('uses the referrers API, filtering by artifactType itself unless the registry says it did', async () => {
    claimFiltered = false;
    expect(await client().referrers('app', subject)).toEqual(referrers);
    expect(await client().referrers('app', subject, 'application/spdx+json')).toEqual([
      referrers[1],
    ]);
    claimFiltered = true;
    // The registry claims to have filtered (it did not): its word is taken.
    expect(await client().referrers('app', subject, 'application/spdx+json')).toHaveLength(2);
    expect(registry.seen.some((r) => r.url.includes('/manifests/sha256-'))).toBe(false);
  });

  it('stops after 5 redirects', async () => {
    await expect(client().getManifest('app', 'loop')).rejects.toMatchObject({
      code: 'REGISTRY_ERROR',
      message: expect.stringContaining('redirecting more than 5 times'),
    });
  });

  it('refuses a manifest over 4 MiB, by Content-Length and while reading', async () => {
    await expect(client().getManifest('app', 'huge')).rejects.toMatchObject({
      code: 'MANIFEST_TOO_LARGE',
      retryable: false,
    });
    await expect(client().getManifest('app', 'endless')).rejects.toMatchObject({
      code: 'MANIFEST_TOO_LARGE',
    });
  });

  it('refuses manifest bytes that do not match the digest asked for', async () => {
    await expect(client().getManifest('app', subject)).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
      message: expect.stringContaining(sha256(Buffer.from('{"schemaVersion":2}'))),
    });
  });
});
