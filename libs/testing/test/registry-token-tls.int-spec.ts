import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildImage, ImagePusher, MediaTypes, sha256Digest, type Descriptor } from '../src/images';
import { RegistryFixture } from '../src/registry';
import { createTempDir, removeDir } from '../src/registry/temp-dir';
import { waitFor } from '../src/process/wait-for';
import { Skopeo } from '../src/skopeo/skopeo';

describe('registry fixture: bearer-token auth over TLS with a private CA', () => {
  let registry: RegistryFixture;
  let pusher: ImagePusher;
  const image = buildImage({
    layers: [{ size: 64 * 1024 }, { size: 4096, compression: 'stored-gzip' }],
  });
  const repository = 'team/app';

  beforeAll(async () => {
    registry = await RegistryFixture.start({ auth: 'token', tls: true, name: 'token-tls' });
    pusher = new ImagePusher(registry);
    await pusher.push(repository, image, ['1.0']);
  });

  afterAll(async () => {
    pusher?.close();
    await registry?.stop();
    await RegistryFixture.stopAll();
  });

  it('serves HTTPS that only the private CA makes trusted', async () => {
    expect(registry.url).toBe(`https://127.0.0.1:${registry.port}`);
    await expect(fetch(`${registry.url}/v2/`)).rejects.toThrow();
    expect(existsSync(join(registry.certDir!, 'ca.crt'))).toBe(true);
  });

  it('accepts a push through the token flow, and skopeo reads back the same manifest', async () => {
    const raw = await Skopeo.inspectRaw(`${registry.host}/${repository}@${image.digest}`, registry);
    expect(sha256Digest(raw)).toBe(image.digest);
    const manifest = JSON.parse(raw.toString()) as { mediaType: string; layers: Descriptor[] };
    expect(manifest.mediaType).toBe(MediaTypes.ociManifest);
    expect(manifest.layers.map((l) => l.digest)).toEqual(image.layers.map((l) => l.digest));
    expect(await Skopeo.inspectDigest(`${registry.host}/${repository}:1.0`, registry)).toBe(
      image.digest,
    );
    // The pusher echoes the registry's challenge, whose action order varies (`push,pull`).
    const granted = registry.tokenServer!.scopes.map((scope) => {
      const [type, name, actions] = scope.split(':');
      return `${type}:${name}:${actions.split(',').sort().join(',')}`;
    });
    expect(granted).toContain(`repository:${repository}:pull,push`);
  });

  it('serves blobs whose content skopeo verifies against their digests', async () => {
    const dir = createTempDir('skopeo-dir');
    // skopeo's dir: transport refuses a non-empty directory it did not create.
    const out = join(dir, 'image');
    try {
      await Skopeo.copy(`${registry.host}/${repository}:1.0`, `dir:${out}`, {
        src: registry,
        all: false,
      });
      for (const blob of image.blobs)
        expect(existsSync(join(out, blob.digest.slice('sha256:'.length)))).toBe(true);
    } finally {
      removeDir(dir);
    }
  });

  it('refuses anonymous pulls and wrong passwords', async () => {
    const anonymous = new ImagePusher({ url: registry.url, caCertPem: registry.caCertPem });
    await expect(anonymous.getManifest(repository, image.digest)).rejects.toMatchObject({
      status: 401,
    });
    anonymous.close();
    const ref = `${registry.host}/${repository}@${image.digest}`;
    await expect(
      Skopeo.inspectRaw(ref, { certDir: registry.certDir, anonymous: true }),
    ).rejects.toThrow(/unauthorized|401/i);
    const wrong = { username: registry.credentials.username, password: 'wrong' };
    await expect(
      Skopeo.inspectRaw(ref, { certDir: registry.certDir, credentials: wrong }),
    ).rejects.toThrow();
    expect(registry.tokenServer!.rejected).toBeGreaterThan(0);
  });

  it('stops accepting a token once its TTL has passed, so clients must re-authenticate', async () => {
    // Pushed under the normal TTL: a push is several requests, and a loaded machine can take
    // longer than one second for them. Only the token under test is short-lived.
    const small = buildImage();
    const pusher = new ImagePusher(registry);
    await pusher.push('team/ttl', small);
    pusher.close();
    // The next token expires at a whole second at least 3 s away, whatever the clock's fraction.
    const expiresAt = Math.ceil(Date.now() / 1000) + 3;
    registry.tokenServer!.tokenExpiresAt = expiresAt;
    const fresh = new ImagePusher(registry);
    try {
      expect(await fresh.getManifest('team/ttl', small.digest)).toBeDefined();
      const issued = registry.tokenServer!.issued;
      // Later tokens are long-lived again; the cached one lapses once its second has passed.
      registry.tokenServer!.tokenExpiresAt = undefined;
      await waitFor('the cached token to expire', () =>
        Promise.resolve(Date.now() > (expiresAt + 1) * 1000 ? true : undefined),
      );
      expect(await fresh.getManifest('team/ttl', small.digest)).toBeDefined();
      // The cached token was refused (401), so the client fetched exactly one new token.
      expect(registry.tokenServer!.issued).toBe(issued + 1);
    } finally {
      fresh.close();
      registry.tokenServer!.tokenExpiresAt = undefined;
    }
  });
});
