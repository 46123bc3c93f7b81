import type { RawManifest } from './descriptor';
import { digestOf } from './digest';
import { MediaType } from './media-types';
import { parseManifest } from './parse-manifest';
import { RegistryError } from './registry-error';

const d = (seed: string): string => digestOf(Buffer.from(seed));
const raw = (body: unknown, mediaType: string = MediaType.OciManifest): RawManifest => {
  const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { mediaType, digest: digestOf(bytes), bytes };
};
const config = { mediaType: MediaType.OciConfig, digest: d('config'), size: 7 };
const layer = {
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
  digest: d('layer'),
  size: 42,
};

function failure(manifest: RawManifest): RegistryError {
  try {
    parseManifest(manifest, 'ci');
  } catch (error) {
    return error as RegistryError;
  }
  throw new Error('parseManifest accepted junk');
}

describe('parseManifest', () => {
  it('reads an OCI image manifest with subject, artifactType and annotations', () => {
    const subject = { mediaType: MediaType.OciManifest, digest: d('subject'), size: 100 };
    const parsed = parseManifest(
      raw({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        artifactType: 'application/x',
        config,
        layers: [layer],
        subject,
        annotations: { a: 'b' },
      }),
    );
    expect(parsed).toEqual({
      kind: 'image',
      mediaType: MediaType.OciManifest,
      config,
      layers: [layer],
      subject,
      artifactType: 'application/x',
      annotations: { a: 'b' },
    });
  });

  it('reads a Docker manifest list with platforms, and an OCI index', () => {
    const child = {
      mediaType: MediaType.DockerManifest,
      digest: d('child'),
      size: 500,
      platform: { architecture: 'arm', os: 'linux', variant: 'v7' },
    };
    const list = parseManifest(
      raw(
        { schemaVersion: 2, mediaType: MediaType.DockerManifestList, manifests: [child] },
        MediaType.DockerManifestList,
      ),
    );
    expect(list).toMatchObject({
      kind: 'index',
      mediaType: MediaType.DockerManifestList,
      manifests: [child],
    });
    expect(
      parseManifest(raw({ schemaVersion: 2, manifests: [] }, MediaType.OciIndex)),
    ).toMatchObject({ kind: 'index', manifests: [] });
  });

  it('tells the kind from the shape when no media type says it', () => {
    expect(parseManifest(raw({ schemaVersion: 2, config, layers: [] }, '')).kind).toBe('image');
    expect(parseManifest(raw({ schemaVersion: 2, manifests: [] }, '')).kind).toBe('index');
  });

  it('keeps only the descriptor fields it knows', () => {
    const parsed = parseManifest(
      raw({
        schemaVersion: 2,
        config: { ...config, extra: 1 },
        layers: [{ ...layer, urls: ['https://x'] }],
      }),
    );
    expect(parsed.kind === 'image' && parsed.config).toEqual(config);
    expect(parsed.kind === 'image' && parsed.layers[0].urls).toEqual(['https://x']);
  });

  it.each([
    ['not JSON', raw('{nope'), 'not JSON'],
    ['a JSON array', raw('[]'), 'not a JSON object'],
    ['schema 1', raw({ schemaVersion: 1, name: 'x' }), 'schemaVersion is 1, only 2 is supported'],
    ['no schemaVersion', raw({ config, layers: [] }), 'schemaVersion is undefined'],
    ['a missing config', raw({ schemaVersion: 2, layers: [] }), 'config is not an object'],
    [
      'layers that are not a list',
      raw({ schemaVersion: 2, config, layers: {} }),
      'layers is not an array',
    ],
    [
      'a bad digest',
      raw({ schemaVersion: 2, config, layers: [{ ...layer, digest: 'sha256' }] }),
      'layers[0].digest is not a digest',
    ],
    [
      'a negative size',
      raw({ schemaVersion: 2, config: { ...config, size: -1 } }),
      'config.size is not a non-negative integer',
    ],
    [
      'a fractional size',
      raw({ schemaVersion: 2, config: { ...config, size: 1.5 } }),
      'config.size',
    ],
    [
      'a missing media type',
      raw({ schemaVersion: 2, config: { digest: config.digest, size: 1 } }),
      'config.mediaType is missing',
    ],
    [
      'non-string annotations',
      raw({ schemaVersion: 2, config, layers: [], annotations: { a: 1 } }),
      'annotations is not a map of strings',
    ],
    [
      'a platform without os',
      raw(
        { schemaVersion: 2, manifests: [{ ...config, platform: { architecture: 'amd64' } }] },
        MediaType.OciIndex,
      ),
      'manifests[0].platform needs architecture and os',
    ],
    [
      'an unknown kind',
      raw({ schemaVersion: 2, blobs: [] }, 'application/vnd.oci.artifact.manifest.v1+json'),
      'neither an image manifest nor an index',
    ],
  ])('rejects %s with a clear REGISTRY_ERROR', (_what, manifest, message) => {
    const error = failure(manifest);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ code: 'REGISTRY_ERROR', retryable: false, registry: 'ci' });
    expect(error.message).toContain(`registry "ci": manifest ${manifest.digest}`);
    expect(error.message).toContain(message);
  });
});
