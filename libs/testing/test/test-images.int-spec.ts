import { execFileSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { buildImage, createLayer, MediaTypes, sha256Digest, type Descriptor } from '../src/images';

interface ConfigJson {
  architecture: string;
  os: string;
  variant?: string;
  rootfs: { type: string; diff_ids: string[] };
}

describe('test image builders', () => {
  it.each(['gzip', 'stored-gzip'] as const)(
    'make %s layers that GNU tar reads as one file of the asked size',
    (compression) => {
      const layer = createLayer({ size: 70000, compression }, MediaTypes.ociLayerGzip);
      const tar = gunzipSync(layer.bytes);
      expect(sha256Digest(tar)).toBe(layer.diffId);
      expect(layer.descriptor).toEqual({
        mediaType: MediaTypes.ociLayerGzip,
        digest: sha256Digest(layer.bytes),
        size: layer.bytes.length,
      });
      const listing = execFileSync('tar', ['-tvf', '-'], { input: tar })
        .toString()
        .trim()
        .split('\n');
      expect(listing).toHaveLength(1);
      expect(listing[0]).toMatch(/ 70000 .*layer-[0-9a-f]{8}\.bin$/);
    },
  );

  it('wraps stored-gzip data without compressing it', () => {
    const stored = createLayer(
      { size: 100000, compression: 'stored-gzip' },
      MediaTypes.ociLayerGzip,
    );
    expect(stored.bytes.length).toBeGreaterThan(100000 + 1024);
    expect(stored.bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('write a config whose diff_ids are the uncompressed layer digests', () => {
    const image = buildImage({
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
      layers: [{ size: 10 }, { size: 20 }],
    });
    const manifest = JSON.parse(image.manifestBytes.toString()) as {
      config: Descriptor;
      layers: Descriptor[];
    };
    const config = JSON.parse(
      image.blobContents.get(manifest.config.digest)!.toString(),
    ) as ConfigJson;
    const diffIds = manifest.layers.map((l) =>
      sha256Digest(gunzipSync(image.blobContents.get(l.digest)!)),
    );
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: diffIds });
    expect(config).toMatchObject({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(sha256Digest(image.manifestBytes)).toBe(image.digest);
  });
});
