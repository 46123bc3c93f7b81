import {
  buildImage,
  buildIndex,
  buildSbom,
  buildSignature,
  ImagePusher,
  MediaTypes,
  referrersFallbackTag,
  sha256Digest,
  type Descriptor,
  type TestImage,
} from '../src/images';
import { RegistryFixture } from '../src/registry';
import { Skopeo } from '../src/skopeo/skopeo';

interface ManifestJson {
  mediaType: string;
  manifests?: Descriptor[];
  artifactType?: string;
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

describe('registry fixture: indexes, manifest lists and referrers on a plain registry', () => {
  let source: RegistryFixture;
  let target: RegistryFixture;
  let pusher: ImagePusher;
  const repository = 'multi/app';
  const ociIndex = buildIndex({
    annotations: { 'org.opencontainers.image.base.name': 'docker.io/library/alpine:3' },
  });
  const dockerList = buildIndex({
    format: 'docker',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ],
  });

  const raw = async (registry: RegistryFixture, reference: string): Promise<Buffer> =>
    Skopeo.inspectRaw(`${registry.host}/${repository}${reference}`, registry);
  const parsed = async (registry: RegistryFixture, reference: string): Promise<ManifestJson> =>
    JSON.parse((await raw(registry, reference)).toString()) as ManifestJson;

  beforeAll(async () => {
    [source, target] = await Promise.all([
      RegistryFixture.start({ name: 'source' }),
      RegistryFixture.start({ name: 'target' }),
    ]);
    pusher = new ImagePusher(source);
    await pusher.push(repository, ociIndex, ['oci']);
    await pusher.push(repository, dockerList, ['docker']);
  });

  afterAll(async () => {
    pusher?.close();
    await Promise.all([source?.stop(), target?.stop()]);
    await RegistryFixture.stopAll();
  });

  it('serves the OCI index and the Docker manifest list byte for byte', async () => {
    expect((await raw(source, ':oci')).equals(ociIndex.manifestBytes)).toBe(true);
    expect((await raw(source, ':docker')).equals(dockerList.manifestBytes)).toBe(true);
    const index = await parsed(source, ':oci');
    expect(index.mediaType).toBe(MediaTypes.ociIndex);
    expect(index.manifests?.map((m) => m.platform)).toEqual(ociIndex.platforms);
    expect(index.annotations?.['org.opencontainers.image.base.name']).toBe(
      'docker.io/library/alpine:3',
    );
    expect((await parsed(source, ':docker')).mediaType).toBe(MediaTypes.dockerManifestList);
    for (const child of [...ociIndex.children, ...dockerList.children]) {
      expect(sha256Digest(await raw(source, `@${child.digest}`))).toBe(child.digest);
    }
  });

  it('builds children that are distinct full images of the right kind', () => {
    expect(new Set(ociIndex.children.map((c) => c.digest)).size).toBe(3);
    expect(
      ociIndex.children.every(
        (c) => c.mediaType === MediaTypes.ociManifest && c.layers.length === 1,
      ),
    ).toBe(true);
    expect(
      dockerList.children.every((c) => c.layers[0].mediaType === MediaTypes.dockerLayerGzip),
    ).toBe(true);
  });

  it('survives skopeo copy --all to a second registry with the same digests', async () => {
    for (const [image, tag] of [
      [ociIndex, 'oci'],
      [dockerList, 'docker'],
    ] as Array<[TestImage, string]>) {
      const src = `${source.host}/${repository}@${image.digest}`;
      await Skopeo.copy(src, `${target.host}/${repository}:${tag}`, { src: source, dest: target });
      expect(await Skopeo.inspectDigest(`${target.host}/${repository}:${tag}`, target)).toBe(
        image.digest,
      );
      for (const child of image.children) {
        expect(sha256Digest(await raw(target, `@${child.digest}`))).toBe(child.digest);
      }
    }
  });

  it('lists a signature and an SBOM in the subject’s sha256-<hex> fallback index', async () => {
    const subject = buildImage();
    await pusher.push(repository, subject, ['signed']);
    const signature = buildSignature(subject);
    const sbom = buildSbom(subject, { 'org.example.kind': 'sbom' });
    await pusher.pushReferrer(repository, signature);
    await pusher.pushReferrer(repository, sbom);

    const fallback = await parsed(source, `:${referrersFallbackTag(subject.digest)}`);
    expect(fallback.mediaType).toBe(MediaTypes.ociIndex);
    expect(fallback.manifests).toEqual([
      {
        mediaType: MediaTypes.ociManifest,
        digest: signature.digest,
        size: signature.manifestBytes.length,
        artifactType: MediaTypes.cosignSignature,
        annotations: signature.annotations,
      },
      {
        mediaType: MediaTypes.ociManifest,
        digest: sbom.digest,
        size: sbom.manifestBytes.length,
        artifactType: MediaTypes.spdxJson,
        annotations: sbom.annotations,
      },
    ]);
    for (const artifact of [signature, sbom]) {
      const manifest = await parsed(source, `@${artifact.digest}`);
      expect(manifest.artifactType).toBe(artifact.artifactType);
      expect(manifest.subject).toEqual({
        mediaType: MediaTypes.ociManifest,
        digest: subject.digest,
        size: subject.manifestBytes.length,
      });
    }
  });
});
