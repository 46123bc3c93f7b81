import type { ParsedManifest } from '@airlock/registry-client';
import {
  baseOf,
  imageManifestSize,
  indexSize,
  labelsOfConfig,
  platformOfConfig,
  platformsOf,
} from './image-facts';

const d = (
  n: number,
  size: number,
  platform?: { os: string; architecture: string; variant?: string },
) => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  size,
  ...(platform ? { platform } : {}),
});

describe('image facts', () => {
  const image: ParsedManifest = {
    kind: 'image',
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: d(1, 100),
    layers: [d(2, 1000), d(3, 24)],
  };

  it('sizes an image as manifest + config + layers', () => {
    expect(imageManifestSize(image as Extract<ParsedManifest, { kind: 'image' }>, 400)).toBe(1524);
  });

  it('sizes an index as its bytes plus its children', () => {
    expect(indexSize(300, [1524, 2000])).toBe(3824);
    expect(indexSize(300, [])).toBe(300);
  });

  it('lists index platforms once each, skipping attestation entries', () => {
    const index: ParsedManifest = {
      kind: 'index',
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        d(4, 1, { os: 'linux', architecture: 'amd64' }),
        d(5, 1, { os: 'linux', architecture: 'arm', variant: 'v7' }),
        d(6, 1, { os: 'unknown', architecture: 'unknown' }),
        d(7, 1),
        d(8, 1, { os: 'linux', architecture: 'amd64' }),
      ],
    };
    expect(platformsOf(index)).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ]);
    expect(platformsOf(image)).toEqual([]);
  });

  it('reads the base image from the OCI annotations', () => {
    expect(
      baseOf({
        'org.opencontainers.image.base.name': 'alpine:3',
        'org.opencontainers.image.base.digest': 'sha256:x',
      }),
    ).toEqual({
      baseName: 'alpine:3',
      baseDigest: 'sha256:x',
    });
    expect(baseOf(undefined)).toEqual({ baseName: null, baseDigest: null });
  });

  it('falls back to the same keys as labels of the image config', () => {
    const config = {
      config: {
        Labels: {
          'org.opencontainers.image.base.name': 'debian:12',
          'org.opencontainers.image.base.digest': 'sha256:y',
          other: 1,
        },
      },
    };
    expect(baseOf({}, labelsOfConfig(config))).toEqual({
      baseName: 'debian:12',
      baseDigest: 'sha256:y',
    });
    // Annotations win over labels.
    expect(
      baseOf({ 'org.opencontainers.image.base.name': 'alpine:3' }, labelsOfConfig(config)),
    ).toEqual({ baseName: 'alpine:3', baseDigest: null });
    expect(labelsOfConfig({ config: { Labels: null } })).toEqual({});
  });

  it('reads the platform of an image config', () => {
    expect(
      platformOfConfig({ os: 'linux', architecture: 'arm64', variant: 'v8', rootfs: {} }),
    ).toEqual({
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
    });
    expect(
      platformOfConfig({ os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.1' }),
    ).toEqual({
      os: 'windows',
      architecture: 'amd64',
      'os.version': '10.0.17763.1',
    });
    expect(platformOfConfig({ architecture: 'amd64' })).toBeUndefined();
    expect(platformOfConfig('text')).toBeUndefined();
    expect(platformOfConfig(null)).toBeUndefined();
  });
});
