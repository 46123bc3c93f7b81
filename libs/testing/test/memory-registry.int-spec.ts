import { MediaType, RegistryClient } from '@airlock/registry-client';
import {
  buildArtifact,
  buildImage,
  buildIndex,
  ImagePusher,
  MemoryRegistry,
  RegistryTransport,
  sha256Digest,
} from '@airlock/testing';
import { Readable } from 'node:stream';

const open = (bytes: Buffer) => () => Promise.resolve(Readable.from([bytes]));

/**
 * The in-memory OCI registry speaks the distribution spec as distribution does, so that tests of
 * the referrers API against it mean something: the test push client, Airlock's RegistryClient
 * and raw HTTP against it.
 */
describe('MemoryRegistry', () => {
  let registry: MemoryRegistry;
  let legacy: MemoryRegistry;
  let http: RegistryTransport;

  beforeAll(async () => {
    [registry, legacy] = await Promise.all([
      MemoryRegistry.start({ referrersApi: true }),
      MemoryRegistry.start({ referrersApi: false }),
    ]);
    http = new RegistryTransport({ url: registry.url });
  });

  afterAll(async () => {
    http?.close();
    await Promise.all([registry?.stop(), legacy?.stop()]);
  });

  const json = (body: Buffer) => JSON.parse(body.toString()) as Record<string, unknown>;

  it('takes an index pushed by the test client and serves it to RegistryClient, logging requests', async () => {
    const index = buildIndex();
    const pusher = new ImagePusher({ url: registry.url });
    await pusher.push('team/sub/app', index, ['1.0']);
    pusher.close();
    const client = new RegistryClient({ name: 'memory', url: registry.url });
    await expect(client.ping()).resolves.toBeUndefined();
    expect(await client.headManifest('team/sub/app', '1.0')).toEqual({
      mediaType: index.mediaType,
      digest: index.digest,
      size: index.manifestBytes.length,
    });
    const raw = await client.getManifest('team/sub/app', index.digest);
    expect(raw.bytes.equals(index.manifestBytes)).toBe(true);
    expect(await client.listTags('team/sub/app')).toEqual(['1.0']);
    const layer = index.children[0]!.layers[0]!;
    const chunks: Buffer[] = [];
    for await (const chunk of await client.openBlob('team/sub/app', layer)) chunks.push(chunk);
    expect(sha256Digest(Buffer.concat(chunks))).toBe(layer.digest);
    expect(registry.requestsTo('PUT', `/v2/team/sub/app/manifests/1.0`)).toHaveLength(1);
    expect(registry.requestsTo('GET', '/v2/')).toHaveLength(1);
  });

  it('uploads in chunks (PATCH with Content-Range, closing PUT) and verifies the digest', async () => {
    const client = new RegistryClient(
      { name: 'memory', url: registry.url },
      { upload: { chunked: 'always', chunkSize: 5 }, retry: { maxAttempts: 1 } },
    );
    const bytes = Buffer.from('twelve bytes');
    await client.pushBlob('chunked', { digest: sha256Digest(bytes), size: 12 }, open(bytes));
    expect(await client.headBlob('chunked', sha256Digest(bytes))).toBe(12);
    expect(registry.requestsTo('PATCH', /^\/v2\/chunked\/blobs\/uploads\//)).toHaveLength(3);
    const wrong = { digest: sha256Digest(Buffer.from('other')), size: 12 };
    await expect(client.pushBlob('chunked', wrong, open(bytes))).rejects.toThrow(/DIGEST_INVALID/);
  });

  it('mounts a blob the source repository has (201) and opens a session otherwise (202)', async () => {
    const client = new RegistryClient({ name: 'memory', url: registry.url });
    const bytes = Buffer.from('mounted');
    const digest = sha256Digest(bytes);
    await client.pushBlob('from/here', { digest, size: bytes.length }, open(bytes));
    expect(await client.mountBlob('to/there', digest, 'from/here')).toBe(true);
    expect(await client.headBlob('to/there', digest)).toBe(bytes.length);
    expect(await client.mountBlob('to/there', sha256Digest(Buffer.from('x')), 'from/here')).toBe(
      false,
    );
    const monolithic = await http.request({
      method: 'POST',
      path: `/v2/mono/blobs/uploads/?digest=${digest}`,
      body: bytes,
    });
    expect([monolithic.status, monolithic.headers.location]).toEqual([
      201,
      `/v2/mono/blobs/${digest}`,
    ]);
  });

  it('answers distribution errors: unknown manifest, missing blob, digest mismatch, bad name', async () => {
    const unknown = await http.request({ method: 'GET', path: '/v2/team/app/manifests/nope' });
    expect(unknown.status).toBe(404);
    expect(json(unknown.body)).toEqual({
      errors: [expect.objectContaining({ code: 'MANIFEST_UNKNOWN' })],
    });
    const image = buildImage();
    const put = (path: string, body: Buffer) =>
      http.request({
        method: 'PUT',
        path,
        headers: { 'Content-Type': image.mediaType },
        body,
      });
    const noBlobs = await put(`/v2/team/app/manifests/${image.digest}`, image.manifestBytes);
    expect([noBlobs.status, json(noBlobs.body).errors]).toEqual([
      400,
      [expect.objectContaining({ code: 'MANIFEST_BLOB_UNKNOWN' })],
    ]);
    const mismatch = await put(`/v2/team/app/manifests/${image.digest}`, Buffer.from('{}'));
    expect(json(mismatch.body).errors).toEqual([
      expect.objectContaining({ code: 'DIGEST_INVALID' }),
    ]);
    const badName = await http.request({ method: 'GET', path: '/v2/Team/tags/list' });
    expect([badName.status, json(badName.body).errors]).toEqual([
      400,
      [expect.objectContaining({ code: 'NAME_INVALID' })],
    ]);
  });

  it('deletes a manifest by digest with every tag naming it', async () => {
    const image = buildImage();
    const pusher = new ImagePusher({ url: registry.url });
    await pusher.push('del/app', image, ['a', 'b']);
    await pusher.push('del/app', buildImage(), ['c']);
    pusher.close();
    const deleted = await http.request({
      method: 'DELETE',
      path: `/v2/del/app/manifests/${image.digest}`,
    });
    expect(deleted.status).toBe(202);
    const client = new RegistryClient({ name: 'memory', url: registry.url }, { tagPageSize: 1 });
    expect(await client.listTags('del/app')).toEqual(['c']);
    expect(await client.headManifest('del/app', image.digest)).toBeUndefined();
  });

  it('lists referrers (filtered on request) and names the subject of a PUT in OCI-Subject', async () => {
    const image = buildImage();
    const pusher = new ImagePusher({ url: registry.url });
    await pusher.push('ref/app', image);
    const a = buildArtifact({
      subject: image,
      artifactType: 'application/a',
      payload: Buffer.from('a'),
      payloadMediaType: 'text/plain',
      annotations: { note: 'a' },
    });
    const b = buildArtifact({
      subject: image,
      artifactType: 'application/b',
      payload: Buffer.from('b'),
      payloadMediaType: 'text/plain',
    });
    for (const artifact of [a, b]) await pusher.push('ref/app', artifact);
    pusher.close();
    const listed = await http.request({
      method: 'GET',
      path: `/v2/ref/app/referrers/${image.digest}`,
    });
    expect(listed.headers['content-type']).toBe(MediaType.OciIndex);
    expect(listed.headers['oci-filters-applied']).toBeUndefined();
    expect(json(listed.body)).toEqual({
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: [
        {
          mediaType: MediaType.OciManifest,
          digest: a.digest,
          size: a.manifestBytes.length,
          artifactType: 'application/a',
          annotations: a.annotations,
        },
        expect.objectContaining({ digest: b.digest, artifactType: 'application/b' }),
      ],
    });
    const filtered = await http.request({
      method: 'GET',
      path: `/v2/ref/app/referrers/${image.digest}?artifactType=application%2Fb`,
    });
    expect(filtered.headers['oci-filters-applied']).toBe('artifactType');
    expect((json(filtered.body).manifests as unknown[]).length).toBe(1);
    const put = await http.request({
      method: 'PUT',
      path: `/v2/ref/app/manifests/${a.digest}`,
      headers: { 'Content-Type': a.mediaType },
      body: a.manifestBytes,
    });
    expect(put.headers['oci-subject']).toBe(image.digest);
  });

  it('without the referrers API: 404 for the route, no OCI-Subject, as distribution 2.8', async () => {
    const image = buildImage();
    const signature = buildArtifact({
      subject: image,
      artifactType: 'application/a',
      payload: Buffer.from('a'),
      payloadMediaType: 'text/plain',
    });
    const pusher = new ImagePusher({ url: legacy.url });
    await pusher.push('ref/app', image);
    await pusher.push('ref/app', signature);
    const old = new RegistryTransport({ url: legacy.url });
    const listed = await old.request({
      method: 'GET',
      path: `/v2/ref/app/referrers/${image.digest}`,
    });
    expect([listed.status, listed.body.toString()]).toEqual([404, '404 page not found\n']);
    const put = await old.request({
      method: 'PUT',
      path: `/v2/ref/app/manifests/${signature.digest}`,
      headers: { 'Content-Type': signature.mediaType },
      body: signature.manifestBytes,
    });
    expect([put.status, put.headers['oci-subject']]).toEqual([201, undefined]);
    old.close();
    pusher.close();
  });
});
