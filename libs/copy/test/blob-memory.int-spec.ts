import { CopyEngine, RegistryLimiter, type CopyRequest, type CopyResult } from '@airlock/copy';
import { RegistryClient } from '@airlock/registry-client';
import {
  buildImage,
  connectTestPostgres,
  createLayer,
  createTestDatabase,
  FaultProxy,
  ImagePusher,
  MediaTypes,
  RegistryFixture,
  Skopeo,
  type TestDatabase,
  type TestImage,
  type TestPostgres,
} from '@airlock/testing';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobLocationRepository } from '../src/blob-location.repository';

/**
 * "Never move a byte twice into a registry", against two real registries (each behind a proxy
 * that counts requests) and real Postgres: services built on one base copied into their own
 * repositories of one target registry stream the base once, whether they run together (one
 * upload shared) or one after another (mounted from a remembered repository, also by an engine
 * that starts afresh, as after a restart); a remembered location deleted behind Airlock's back is
 * forgotten and the blob streamed.
 */
describe('blob memory and single flight (real registries, Postgres)', () => {
  let db: TestDatabase;
  let postgres: TestPostgres;
  let locations: BlobLocationRepository;
  let ci: RegistryFixture;
  let prod: RegistryFixture;
  let ciProxy: FaultProxy;
  let prodProxy: FaultProxy;
  const base = createLayer({ size: 400_000 }, MediaTypes.ociLayerGzip);
  const service = (i: number) => buildImage({ baseLayers: [base], layers: [{ size: 20_000 + i }] });
  const services = Array.from({ length: 9 }, (_, i) => service(i));

  beforeAll(async () => {
    db = await createTestDatabase('blob_memory');
    postgres = await connectTestPostgres(db.url);
    locations = new BlobLocationRepository(postgres.database);
    [ci, prod] = await Promise.all([
      RegistryFixture.start({ name: 'ci' }),
      RegistryFixture.start({ name: 'prod' }),
    ]);
    [ciProxy, prodProxy] = await Promise.all([
      FaultProxy.start({ target: ci.url }),
      FaultProxy.start({ target: prod.url }),
    ]);
    const pusher = new ImagePusher(ci);
    for (const [i, image] of services.entries()) await pusher.push(`svc-${i}`, image);
    pusher.close();
  });

  afterAll(async () => {
    await Promise.all([ciProxy?.stop(), prodProxy?.stop()]);
    await Promise.all([ci?.stop(), prod?.stop()]);
    await postgres?.close();
    await db?.drop();
  });

  /** The origin the engine knows the target by: the proxy's. */
  const prodOrigin = () => new URL(prodProxy.url).origin;

  /** `digest` from `from` of CI into `into` of Prod, both through their proxies. */
  const between = (from: string, digest: string, into: string): CopyRequest => ({
    source: {
      registry: new RegistryClient({ name: 'ci', url: ciProxy.url }),
      repository: from,
      digest,
    },
    target: {
      registry: new RegistryClient({ name: 'prod', url: prodProxy.url }),
      repository: into,
    },
  });
  /** Service `i` from its CI repository into `repository` of Prod (by default its own). */
  const copy = (engine: CopyEngine, i: number, repository = `svc-${i}`): Promise<CopyResult> =>
    engine.copy(between(`svc-${i}`, services[i]!.digest, repository));

  /** GETs of the blob from the source: each one is the blob streamed once. */
  const reads = (digest: string) =>
    ciProxy.requests.filter(
      (r) => r.method === 'GET' && r.path.split('?')[0]!.endsWith(`/blobs/${digest}`),
    ).length;
  /** Uploads of the blob committed into the target (the PUT naming its digest). */
  const uploads = (digest: string) =>
    prodProxy.requests.filter(
      (r) => r.method === 'PUT' && decodeURIComponent(r.path).includes(`digest=${digest}`),
    ).length;
  /** POSTs of an upload session naming the blob as one to mount, and where from. */
  const mountRequests = (digest: string) =>
    prodProxy.requests.flatMap((r) => {
      const url = new URL(r.path, 'http://x');
      const into = /^\/v2\/(.+)\/blobs\/uploads\/$/.exec(url.pathname)?.[1];
      if (r.method !== 'POST' || url.searchParams.get('mount') !== digest) return [];
      return [{ ...r, into, from: url.searchParams.get('from') }];
    });
  /** Cross-repository mounts of the blob into the target, from another repository. */
  const mounts = (digest: string) => mountRequests(digest).filter((m) => m.from !== m.into);
  /** An upload asking `repository` itself for the blob first (a mount from itself). */
  const asks = (repository: string, digest: string) =>
    mountRequests(digest).filter((m) => m.into === repository && m.from === repository).length;
  const blobHeads = (repository: string, digest: string) =>
    prodProxy.requests.filter(
      (r) => r.method === 'HEAD' && r.path === `/v2/${repository}/blobs/${digest}`,
    ).length;
  const sameAtTarget = async (i: number, image: TestImage) =>
    expect(
      await Skopeo.inspectRaw(`${prod.host}/svc-${i}@${image.digest}`, { tls: false }),
    ).toEqual(image.manifestBytes);

  it('copies running together into one registry stream the shared base once', async () => {
    const engine = new CopyEngine(new RegistryLimiter(), locations);
    const results = await Promise.all([0, 1, 2, 3].map((i) => copy(engine, i)));

    expect(reads(base.descriptor.digest)).toBe(1);
    expect(uploads(base.descriptor.digest)).toBe(1);
    const streamed = results.reduce((sum, r) => sum + r.blobs.bytesCopied, 0);
    const unique = new Set(
      results.flatMap((_, i) => services[i]!.blobs.map((b) => `${b.digest} ${b.size}`)),
    );
    const uniqueBytes = [...unique].reduce((sum, entry) => sum + Number(entry.split(' ')[1]), 0);
    expect(streamed).toBe(uniqueBytes);
    for (const i of [0, 1, 2, 3]) await sameAtTarget(i, services[i]!);
  });

  it('a later copy, by an engine started afresh, mounts the base from a remembered repository', async () => {
    const before = {
      reads: reads(base.descriptor.digest),
      uploads: uploads(base.descriptor.digest),
      heads: blobHeads('svc-4', base.descriptor.digest),
    };
    const result = await copy(new CopyEngine(new RegistryLimiter(), locations), 4);

    // Mounted without asking first: a mount answers 201 where the blob is present, too.
    expect(blobHeads('svc-4', base.descriptor.digest)).toBe(before.heads);
    expect(reads(base.descriptor.digest)).toBe(before.reads);
    expect(uploads(base.descriptor.digest)).toBe(before.uploads);
    expect(result.blobs.bytesMounted).toBeGreaterThanOrEqual(base.descriptor.size);
    expect(mounts(base.descriptor.digest).at(-1)?.status).toBe(201);
    await sameAtTarget(4, services[4]!);
  });

  it('forgets locations deleted behind its back and streams the blob; the copy succeeds', async () => {
    const digest = base.descriptor.digest;
    const remembered = (await locations.find(prodOrigin(), [digest])).get(digest) ?? [];
    expect(remembered.length).toBeGreaterThan(0);
    // Delete the base from every repository that holds it, in the registry's own storage.
    const link = (repo: string) =>
      join(
        prod.storageDir,
        'docker/registry/v2/repositories',
        repo,
        '_layers',
        ...digest.split(':'),
      );
    for (const i of [0, 1, 2, 3, 4]) await rm(link(`svc-${i}`), { recursive: true, force: true });
    const before = reads(digest);

    const result = await copy(new CopyEngine(new RegistryLimiter(), locations), 5);

    expect(
      mounts(digest)
        .slice(-remembered.length)
        .map((m) => m.status),
    ).toEqual(remembered.map(() => 202));
    expect(reads(digest)).toBe(before + 1);
    expect(result.blobs.copied).toBeGreaterThanOrEqual(1);
    await sameAtTarget(5, services[5]!);
    // The stale rows it tried are gone; the repository it uploaded into is remembered first.
    const after = (await locations.find(prodOrigin(), [digest])).get(digest) ?? [];
    expect(after[0]).toBe('svc-5');
    for (const repo of remembered) expect(after).not.toContain(repo);
  });

  it('sends no HEAD for a blob, nor for a root a fresh plan found absent, and still mounts the remembered base', async () => {
    const image = services[6]!;
    const heads = () =>
      prodProxy.requests.filter((r) => r.method === 'HEAD' && r.path.includes('/svc-6/blobs/'));
    const manifestHeads = () =>
      prodProxy.requests.filter(
        (r) => r.method === 'HEAD' && r.path === `/v2/svc-6/manifests/${image.digest}`,
      );
    const before = {
      uploads: uploads(base.descriptor.digest),
      heads: heads().length,
      manifestHeads: manifestHeads().length,
    };

    const result = await new CopyEngine(new RegistryLimiter(), locations).copy({
      ...between('svc-6', image.digest, 'svc-6'),
      options: { rootAbsent: true },
    });

    // Each upload's session asks the repository for its blob: no HEAD before it.
    expect(heads().length).toBe(before.heads);
    for (const blob of image.blobs.filter((b) => b.digest !== base.descriptor.digest))
      expect(asks('svc-6', blob.digest)).toBe(1);
    // The root is not looked for before the copy, nor after it: its PUT's answer is the check.
    expect(manifestHeads().length).toBe(before.manifestHeads);
    expect(uploads(base.descriptor.digest)).toBe(before.uploads);
    expect(mounts(base.descriptor.digest).at(-1)?.status).toBe(201);
    expect(result.blobs).toMatchObject({ mounted: 1, copied: image.blobs.length - 1, skipped: 0 });
    await sameAtTarget(6, image);
  });

  it('when every remembered mount declines, still finds a blob the target repository holds and uploads nothing', async () => {
    const digest = base.descriptor.digest;
    await copy(new CopyEngine(), 7, 'held'); // 'held' receives the base, and no memory hears of it
    const forgotten: string[] = [];
    // A memory that only knows a repository that never held the base.
    const stale = {
      find: () => Promise.resolve(new Map([[digest, ['ghost']]])),
      remember: () => Promise.resolve(),
      forget: (_origin: string, location: { repository: string }) => {
        forgotten.push(location.repository);
        return Promise.resolve();
      },
    };
    const before = {
      uploads: uploads(digest),
      mounts: mounts(digest).length,
      asks: asks('held', digest),
    };

    const result = await copy(new CopyEngine(new RegistryLimiter(), stale), 8, 'held');

    expect(
      mounts(digest)
        .slice(before.mounts)
        .map((m) => m.status),
    ).toEqual([202]);
    expect(forgotten).toEqual(['ghost']);
    // The upload's session asked 'held' for the base first: it holds it, nothing is streamed.
    expect(asks('held', digest)).toBe(before.asks + 1);
    expect(uploads(digest)).toBe(before.uploads);
    expect(result.blobs).toMatchObject({
      skipped: 1,
      mounted: 0,
      copied: services[8]!.blobs.length - 1,
    });
    expect(
      await Skopeo.inspectRaw(`${prod.host}/held@${services[8]!.digest}`, { tls: false }),
    ).toEqual(services[8]!.manifestBytes);
  });
  it("plans a request without a HEAD per blob ('expect'), and a dry run exactly ('ask')", async () => {
    const image = service(99); // its own blobs never reached Prod; the base did
    const pusher = new ImagePusher(ci);
    await pusher.push('svc-new', image);
    pusher.close();
    const own = image.blobs.filter((b) => b.digest !== base.descriptor.digest);
    const request = between('svc-new', image.digest, 'planned');
    const plannedHeads = () =>
      prodProxy.requests.filter((r) => r.method === 'HEAD' && r.path.includes('/planned/blobs/'))
        .length;
    const engine = new CopyEngine(new RegistryLimiter(), locations);
    const actions = (plan: Awaited<ReturnType<CopyEngine['plan']>>) =>
      Object.fromEntries(plan.blobs.map((b) => [b.digest, b.action]));
    const expected = Object.fromEntries([
      [base.descriptor.digest, 'mount'],
      ...own.map((b) => [b.digest, 'copy']),
    ]);

    const before = plannedHeads();
    const expecting = await engine.plan(request, { blobs: 'expect' });
    expect(plannedHeads()).toBe(before);
    expect(actions(expecting)).toEqual(expected);

    const asking = await engine.plan(request, { blobs: 'ask' });
    expect(plannedHeads()).toBe(before + own.length);
    expect(actions(asking)).toEqual(expected);
    expect(asking.bytesToCopy).toBe(expecting.bytesToCopy);
  });
});
