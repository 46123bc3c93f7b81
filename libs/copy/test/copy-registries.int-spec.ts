import { CopyEngine } from '@airlock/copy';
import {
  buildImage,
  buildIndex,
  buildSbom,
  buildSignature,
  ImagePusher,
  RegistryFixture,
  sha256Digest,
  Skopeo,
} from '@airlock/testing';
import { clientFor } from './registry-clients';

describe('copy engine against real registries', () => {
  const engine = new CopyEngine();
  let plain: RegistryFixture;
  let basic: RegistryFixture;
  let secure: RegistryFixture; // token auth over TLS with a private CA

  beforeAll(async () => {
    [plain, basic, secure] = await Promise.all([
      RegistryFixture.start({ name: 'plain' }),
      RegistryFixture.start({ name: 'basic', auth: 'htpasswd' }),
      RegistryFixture.start({ name: 'secure', auth: 'token', tls: true }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([plain?.stop(), basic?.stop(), secure?.stop()]);
  });

  it('copies an image from basic auth into token auth over TLS; skopeo reads the source digest back', async () => {
    const image = buildImage({ layers: [{ size: 200_000 }, { size: 50_000 }] });
    const pusher = new ImagePusher(basic);
    await pusher.push('team/app', image);
    pusher.close();

    const result = await engine.copy({
      source: { registry: clientFor(basic, 'basic'), repository: 'team/app', digest: image.digest },
      target: { registry: clientFor(secure, 'secure'), repository: 'prod/app', tags: ['1.0.0'] },
    });

    expect(result).toMatchObject({
      digest: image.digest,
      mode: 'image',
      alreadyPresent: false,
      tags: ['1.0.0'],
    });
    expect(result.blobs).toMatchObject({
      total: 3,
      copied: 3,
      bytesCopied: result.blobs.bytesTotal,
    });
    expect(await Skopeo.inspectDigest(`${secure.host}/prod/app:1.0.0`, secure)).toBe(image.digest);
    expect(secure.tokenServer!.scopes).toContain('repository:prod/app:pull,push');
  });

  it('copies every platform of a three-platform OCI index and a Docker manifest list, byte for byte', async () => {
    const pusher = new ImagePusher(plain);
    for (const format of ['oci', 'docker'] as const) {
      const index = buildIndex({ format, layers: [{ size: 4096 }] });
      await pusher.push(`multi/${format}`, index);
      const result = await engine.copy({
        source: {
          registry: clientFor(plain, 'plain'),
          repository: `multi/${format}`,
          digest: index.digest,
        },
        target: {
          registry: clientFor(secure, 'secure'),
          repository: `multi/${format}`,
          tags: ['v1'],
        },
      });
      expect(result).toMatchObject({ mode: 'index', digest: index.digest });
      expect(result.platforms).toHaveLength(3);
      const raw = await Skopeo.inspectRaw(`${secure.host}/multi/${format}:v1`, secure);
      expect(sha256Digest(raw)).toBe(index.digest);
      for (const child of index.children) {
        expect(
          await Skopeo.inspectDigest(`${secure.host}/multi/${format}@${child.digest}`, secure),
        ).toBe(child.digest);
      }
    }
    pusher.close();
  });

  it('carries a signature and an SBOM over through the sha256-<hex> tag fallback', async () => {
    const image = buildImage({ layers: [{ size: 2048 }] });
    const signature = buildSignature(image);
    const sbom = buildSbom(image);
    const pusher = new ImagePusher(plain);
    await pusher.push('signed/app', image);
    await pusher.pushReferrer('signed/app', signature);
    await pusher.pushReferrer('signed/app', sbom);
    pusher.close();

    const target = clientFor(secure, 'secure');
    const result = await engine.copy({
      source: {
        registry: clientFor(plain, 'plain'),
        repository: 'signed/app',
        digest: image.digest,
      },
      target: { registry: target, repository: 'signed/app' },
      options: { referrers: true },
    });

    expect(result.referrers.map((r) => r.digest).sort()).toEqual(
      [signature.digest, sbom.digest].sort(),
    );
    const listed = await target.referrers('signed/app', image.digest);
    expect(listed.map((r) => [r.digest, r.artifactType]).sort()).toEqual(
      [
        [signature.digest, signature.artifactType],
        [sbom.digest, sbom.artifactType],
      ].sort(),
    );
    const copiedSignature = await target.getManifest('signed/app', signature.digest);
    expect(JSON.parse(copiedSignature.bytes.toString()).subject.digest).toBe(image.digest);
  });

  it('only copies referrers of a selected artifact type', async () => {
    const image = buildImage({ layers: [{ size: 1024 }] });
    const signature = buildSignature(image);
    const pusher = new ImagePusher(plain);
    await pusher.push('picky/app', image);
    await pusher.pushReferrer('picky/app', signature);
    await pusher.pushReferrer('picky/app', buildSbom(image));
    pusher.close();
    const result = await engine.copy({
      source: {
        registry: clientFor(plain, 'plain'),
        repository: 'picky/app',
        digest: image.digest,
      },
      target: { registry: clientFor(secure, 'secure'), repository: 'picky/app' },
      options: { referrers: { artifactTypes: [signature.artifactType!] } },
    });
    expect(result.referrers.map((r) => r.digest)).toEqual([signature.digest]);
  });

  it('re-copies as a no-op in one request', async () => {
    const image = buildImage({ layers: [{ size: 8192 }] });
    const pusher = new ImagePusher(plain);
    await pusher.push('noop/app', image);
    pusher.close();
    let requests = 0;
    const target = clientFor(secure, 'secure', () => requests++);
    const request = {
      source: { registry: clientFor(plain, 'plain'), repository: 'noop/app', digest: image.digest },
      target: { registry: target, repository: 'noop/app' },
    };
    await engine.copy(request);
    requests = 0;
    const again = await engine.copy(request);
    expect(again.alreadyPresent).toBe(true);
    // One HEAD, answered with the token cached from the first copy: no challenge round trip.
    expect(requests).toBe(1);
  });

  it('mounts into another repository of the same registry, streaming no blob bytes', async () => {
    const image = buildImage({ layers: [{ size: 300_000 }] });
    const pusher = new ImagePusher(secure);
    await pusher.push('ci/app', image);
    pusher.close();
    const registry = clientFor(secure, 'secure');
    const result = await engine.copy({
      source: { registry, repository: 'ci/app', digest: image.digest },
      target: { registry, repository: 'release/app', tags: ['v2'] },
    });
    expect(result.blobs).toMatchObject({ mounted: 2, copied: 0, bytesCopied: 0 });
    expect(await Skopeo.inspectDigest(`${secure.host}/release/app:v2`, secure)).toBe(image.digest);
    // The mount needed pull on the source repository and push on the target, in one token.
    expect(secure.tokenServer!.scopes).toEqual(
      expect.arrayContaining(['repository:ci/app:pull', 'repository:release/app:pull,push']),
    );
  });

  it('refuses to move an existing tag to another digest and leaves it where it was', async () => {
    const old = buildImage({ layers: [{ size: 1000 }] });
    const fresh = buildImage({ layers: [{ size: 1001 }] });
    const pusher = new ImagePusher(plain);
    await pusher.push('conflict/app', old, ['1.0']);
    await pusher.push('conflict/src', fresh);
    pusher.close();
    const registry = clientFor(plain, 'plain');
    await expect(
      engine.copy({
        source: { registry, repository: 'conflict/src', digest: fresh.digest },
        target: { registry, repository: 'conflict/app', tags: ['1.0'] },
      }),
    ).rejects.toMatchObject({ code: 'TAG_CONFLICT', retryable: false });
    expect(await Skopeo.inspectDigest(`${plain.host}/conflict/app:1.0`, { tls: false })).toBe(
      old.digest,
    );
  });
});
