import {
  buildImage,
  buildIndex,
  buildSbom,
  buildSignature,
  ImagePusher,
  MediaTypes,
  RegistryFixture,
  Skopeo,
  type TestImage,
} from '@airlock/testing';
import {
  MediaType,
  parseManifest,
  RegistryClient,
  type RegistryError,
} from '@airlock/registry-client';
import { Readable } from 'node:stream';
import { openUploadSessions, opener, readAll, RequestLog, sha256 } from './support/streams';

describe('RegistryClient against a plain-HTTP registry (anonymous)', () => {
  let registry: RegistryFixture;
  let client: RegistryClient;
  const log = new RequestLog();
  const repository = 'plain/app';

  beforeAll(async () => {
    registry = await RegistryFixture.start({ name: 'plain' });
    client = new RegistryClient(
      { name: 'plain', url: registry.url },
      { onRequest: log.observer, tagPageSize: 2 },
    );
  });

  afterEach(() => log.clear());

  afterAll(async () => {
    await registry?.stop();
    await RegistryFixture.stopAll();
  });

  async function pushImage(image: TestImage, repo = repository): Promise<void> {
    for (const child of image.children) await pushImage(child, repo);
    for (const blob of image.blobs) {
      const bytes = image.blobContents.get(blob.digest)!;
      await client.pushBlob(repo, blob, opener(bytes).open);
    }
    expect(
      await client.putManifest(repo, image.digest, {
        mediaType: image.mediaType,
        bytes: image.manifestBytes,
      }),
    ).toBe(image.digest);
  }

  it('pings', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
    expect(log.events).toEqual([
      expect.objectContaining({
        registry: 'plain',
        method: 'GET',
        path: '/v2/',
        status: 200,
        attempt: 1,
      }),
    ]);
  });

  it.each([
    ['an OCI image', buildImage()],
    ['a Docker schema2 image', buildImage({ format: 'docker' })],
    ['an OCI index', buildIndex()],
    ['a Docker manifest list', buildIndex({ format: 'docker' })],
  ])('round-trips %s with the exact bytes, and skopeo agrees', async (_kind, image) => {
    await pushImage(image);
    const tag = `t-${image.digest.slice(7, 19)}`;
    await client.putManifest(repository, tag, {
      mediaType: image.mediaType,
      bytes: image.manifestBytes,
    });

    const byDigest = await client.getManifest(repository, image.digest);
    expect(byDigest).toEqual({
      mediaType: image.mediaType,
      digest: image.digest,
      bytes: image.manifestBytes,
    });
    expect((await client.getManifest(repository, tag)).bytes.equals(image.manifestBytes)).toBe(
      true,
    );
    const expected = {
      mediaType: image.mediaType,
      digest: image.digest,
      size: image.manifestBytes.length,
    };
    expect(await client.headManifest(repository, tag)).toEqual(expected);
    expect(await client.headManifest(repository, image.digest)).toEqual(expected);
    expect(await Skopeo.inspectDigest(`${registry.host}/${repository}:${tag}`, registry)).toBe(
      image.digest,
    );

    const parsed = parseManifest(byDigest);
    expect(parsed.kind).toBe(image.children.length > 0 ? 'index' : 'image');
  });

  it('answers undefined / REGISTRY_NOT_FOUND for what is absent', async () => {
    const absent = buildImage();
    expect(await client.headManifest(repository, absent.digest)).toBeUndefined();
    expect(await client.headManifest(repository, 'no-such-tag')).toBeUndefined();
    expect(await client.headBlob(repository, absent.layers[0].digest)).toBeUndefined();
    await expect(client.getManifest(repository, absent.digest)).rejects.toMatchObject({
      code: 'REGISTRY_NOT_FOUND',
      status: 404,
      retryable: false,
    });
    await expect(client.getManifest('no/such-repo', 'latest')).rejects.toMatchObject({
      code: 'REGISTRY_NOT_FOUND',
    });
  });

  it('pushes a blob monolithically and reads it back verified', async () => {
    const image = buildImage({ layers: [{ size: 2 * 1024 * 1024, compression: 'stored-gzip' }] });
    const layer = image.layers[0];
    const bytes = image.blobContents.get(layer.digest)!;
    await expect(client.pushBlob(repository, layer, opener(bytes).open)).resolves.toBe('uploaded');
    expect(log.events.map((e) => `${e.method} ${e.status}`)).toEqual(['POST 202', 'PUT 201']);
    expect(await client.headBlob(repository, layer.digest)).toBe(bytes.length);
    expect((await readAll(await client.openBlob(repository, layer))).equals(bytes)).toBe(true);
  });

  it("asks the repository for the blob in the upload's first request: one it holds is not streamed again", async () => {
    const bytes = Buffer.alloc(300_000, 3);
    const blob = { digest: sha256(bytes), size: bytes.length };
    await client.pushBlob('plain/held', blob, opener(bytes).open);
    log.clear();
    const open = jest.fn(opener(bytes).open);

    await expect(client.pushBlob('plain/held', blob, open)).resolves.toBe('present');

    expect(open).not.toHaveBeenCalled();
    expect(log.events.map((e) => `${e.method} ${e.status}`)).toEqual(['POST 201']);
    expect(log.events[0]!.path).toBe('/v2/plain/held/blobs/uploads/');
    // Another repository of the registry holding it is no answer: the ask is about this one.
    log.clear();
    await expect(client.pushBlob('plain/other', blob, opener(bytes).open)).resolves.toBe(
      'uploaded',
    );
    expect(log.events.map((e) => `${e.method} ${e.status}`)).toEqual(['POST 202', 'PUT 201']);
    expect((await readAll(await client.openBlob('plain/other', blob))).equals(bytes)).toBe(true);
  });

  it('pushes a blob in chunks when told to, following each Location', async () => {
    const chunked = new RegistryClient(
      { name: 'plain', url: registry.url },
      { onRequest: log.observer, upload: { chunked: 'always', chunkSize: 100_000 } },
    );
    const bytes = Buffer.alloc(250_000, 7);
    const blob = { digest: sha256(bytes), size: bytes.length };
    await chunked.pushBlob(repository, blob, opener(bytes).open);
    expect(log.events.map((e) => e.method)).toEqual(['POST', 'PATCH', 'PATCH', 'PATCH', 'PUT']);
    expect((await readAll(await client.openBlob(repository, blob))).equals(bytes)).toBe(true);
  });

  it('fails a push whose bytes the registry hashes differently, without retrying, and cancels the session', async () => {
    const bytes = Buffer.from('not what the digest says');
    const wrong = { digest: sha256(Buffer.from('something else')), size: bytes.length };
    const source = opener(bytes);
    await expect(client.pushBlob('plain/refused', wrong, source.open)).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
      status: 400,
      ociCode: 'DIGEST_INVALID',
    });
    expect(source.opened()).toBe(1);
    // distribution 2.8 cancels a session itself after DIGEST_INVALID (so our DELETE gets 404),
    // and leaves debris on disk doing so: only the attempt to clean up is ours to prove.
    expect(log.events.map((e) => `${e.method} ${e.status}`)).toEqual([
      'POST 202',
      'PUT 400',
      'DELETE 404',
    ]);
    expect(await client.headBlob('plain/refused', wrong.digest)).toBeUndefined();
  });

  it('cancels the session when the blob source fails mid-upload', async () => {
    const bytes = Buffer.alloc(300_000, 9);
    const blob = { digest: sha256(bytes), size: bytes.length };
    const failing = async (): Promise<Readable> =>
      Readable.from(
        (async function* () {
          yield bytes.subarray(0, 100_000);
          throw new Error('source broke');
        })(),
      );
    await expect(client.pushBlob('plain/broken', blob, failing)).rejects.toThrow(/source broke/);
    // The DELETE is sent; distribution 2.8 refuses it (404) for a session that already took bytes
    // under the state token we hold, and its upload purger removes such sessions later.
    expect(log.events.map((e) => e.method)).toEqual(['POST', 'PUT', 'DELETE']);
    expect(await client.headBlob('plain/broken', blob.digest)).toBeUndefined();
  });

  it('errors with DIGEST_MISMATCH when reading a blob under a descriptor it does not match', async () => {
    const bytes = Buffer.alloc(100_000, 1);
    const blob = { digest: sha256(bytes), size: bytes.length };
    await client.pushBlob(repository, blob, opener(bytes).open);
    const stream = await client.openBlob(repository, blob);
    expect((await readAll(stream)).equals(bytes)).toBe(true);
    await expect(
      client.openBlob(repository, { ...blob, size: bytes.length + 1 }),
    ).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('mounts a blob from another repository, and declines cleanly when the source lacks it', async () => {
    const bytes = Buffer.alloc(10_000, 3);
    const blob = { digest: sha256(bytes), size: bytes.length };
    await client.pushBlob('mount/source', blob, opener(bytes).open);
    expect(await client.mountBlob('mount/target', blob.digest, 'mount/source')).toBe(true);
    expect(await client.headBlob('mount/target', blob.digest)).toBe(bytes.length);

    const missing = sha256(Buffer.from('never pushed'));
    log.clear();
    expect(await client.mountBlob('mount/declined', missing, 'mount/source')).toBe(false);
    expect(log.events.map((e) => `${e.method} ${e.status}`)).toEqual(['POST 202', 'DELETE 204']);
    expect(openUploadSessions(registry.storageDir, 'mount/declined')).toEqual([]);
  });

  // distribution 2.8 ignores `n` on tags/list and answers every tag at once; Link paging itself
  // is covered against a scripted server in link-pagination.int-spec.ts.
  it('lists every tag with a page size smaller than the tag count (n=2)', async () => {
    const image = buildImage();
    await pushImage(image, 'paged/app');
    const tags = ['a', 'b', 'c', 'd', 'e'];
    for (const tag of tags)
      await client.putManifest('paged/app', tag, {
        mediaType: image.mediaType,
        bytes: image.manifestBytes,
      });
    expect((await client.listTags('paged/app')).sort()).toEqual(tags);
    expect(
      await Skopeo.listTags(`${registry.host}/paged/app`, registry).then((t) => t.sort()),
    ).toEqual(tags);
    expect(await client.listTags('paged/never-pushed')).toEqual([]);
  });

  it('finds referrers through the sha256-<hex> tag fallback, and remembers the API is missing', async () => {
    const subject = buildImage();
    const pusher = new ImagePusher(registry);
    try {
      await pusher.push('ref/app', subject);
      await pusher.pushReferrer('ref/app', buildSignature(subject));
      await pusher.pushReferrer('ref/app', buildSbom(subject));
    } finally {
      pusher.close();
    }
    const all = await client.referrers('ref/app', subject.digest);
    expect(all.map((d) => d.artifactType)).toEqual([
      MediaTypes.cosignSignature,
      MediaTypes.spdxJson,
    ]);
    expect(all.every((d) => d.mediaType === MediaType.OciManifest)).toBe(true);
    log.clear();
    const sboms = await client.referrers('ref/app', subject.digest, MediaTypes.spdxJson);
    expect(sboms).toHaveLength(1);
    expect(log.events.map((e) => e.path)).toEqual([
      `/v2/ref/app/manifests/sha256-${subject.digest.slice(7)}`,
    ]);
    expect(await client.referrers('ref/app', buildImage().digest)).toEqual([]);
  });

  it('reports what skopeo pushed, and skopeo reads what the client pushed', async () => {
    const image = buildImage({ format: 'docker', layers: [{ size: 4096 }, { size: 8192 }] });
    await pushImage(image, 'skopeo/app');
    await client.putManifest('skopeo/app', '1.0', {
      mediaType: image.mediaType,
      bytes: image.manifestBytes,
    });
    expect(await Skopeo.inspectDigest(`${registry.host}/skopeo/app:1.0`, registry)).toBe(
      image.digest,
    );
    await Skopeo.copy(`${registry.host}/skopeo/app:1.0`, `${registry.host}/skopeo/copy:2.0`, {
      src: registry,
      dest: registry,
    });
    expect((await client.headManifest('skopeo/copy', '2.0'))?.digest).toBe(image.digest);
    expect(await client.listTags('skopeo/copy')).toEqual(['2.0']);
  });

  it('rejects malformed names before sending anything', async () => {
    await expect(client.getManifest('../etc', 'latest')).rejects.toMatchObject({
      code: 'REGISTRY_ERROR',
    });
    const error = (await client
      .getManifest(repository, 'bad tag')
      .catch((e: unknown) => e)) as RegistryError;
    expect(error.message).toContain('neither a tag nor a digest');
    expect(log.events).toEqual([]);
  });
});
