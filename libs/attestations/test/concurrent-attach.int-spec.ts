import { attach, cosignAttestationTag, DSSE_MEDIA_TYPE } from '@airlock/attestations';
import { MediaType, RegistryClient } from '@airlock/registry-client';
import {
  buildImage,
  ImagePusher,
  MemoryRegistry,
  referrersFallbackTag,
  RegistryTransport,
  type Descriptor,
} from '@airlock/testing';

/**
 * Two promotions of one digest into one repository attesting at the same moment (a re-promotion
 * with another tag while the first still runs, in one worker): the `sha256-<hex>` fallback index
 * and cosign's `.att` image are read, merged and rewritten, so without one update at a time the
 * slower write drops the faster one's entry. A registry without the referrers API, where both
 * are Airlock's to keep.
 */
describe('attestations attached concurrently to one digest', () => {
  let registry: MemoryRegistry;
  let transport: RegistryTransport;

  beforeAll(async () => {
    registry = await MemoryRegistry.start({ referrersApi: false });
    transport = new RegistryTransport({ url: registry.url });
  });

  afterAll(async () => {
    transport?.close();
    await registry?.stop();
  });

  const manifestAt = async (repository: string, reference: string) => {
    const response = await transport.request({
      method: 'GET',
      path: `/v2/${repository}/manifests/${reference}`,
    });
    expect(response.status).toBe(200);
    return JSON.parse(response.body.toString()) as {
      manifests?: Descriptor[];
      layers?: Descriptor[];
    };
  };

  it('keeps every attestation in the fallback index and in the .att image', async () => {
    const repository = 'team/racy';
    const image = buildImage({ layers: [{ size: 1024 }] });
    const pusher = new ImagePusher({ url: registry.url });
    await pusher.push(repository, image, ['1.0']);
    pusher.close();
    const client = new RegistryClient({ name: 'memory', url: registry.url });
    const subject = {
      mediaType: MediaType.OciManifest,
      digest: image.digest,
      size: image.manifestBytes.length,
    };
    const ids = ['p-1', 'p-2', 'p-3', 'p-4'];

    const attached = await Promise.all(
      ids.map((promotionId, i) =>
        attach({
          registry: client,
          repository,
          subject,
          envelope: Buffer.from(
            JSON.stringify({ payloadType: 'x', payload: `e${i}`, signatures: [] }),
          ),
          promotionId,
          stage: 'prod',
          createdAt: new Date('2026-12-03T00:00:00Z'),
        }),
      ),
    );

    expect(attached.every((a) => a.written)).toBe(true);
    const index = await manifestAt(repository, referrersFallbackTag(image.digest));
    expect(index.manifests!.map((d) => d.digest).sort()).toEqual(
      attached.map((a) => a.referrer).sort(),
    );
    expect(index.manifests!.every((d) => d.artifactType === DSSE_MEDIA_TYPE)).toBe(true);
    const cosign = await manifestAt(repository, cosignAttestationTag(image.digest));
    expect(cosign.layers).toHaveLength(ids.length);
    expect(new Set(cosign.layers!.map((l) => l.digest)).size).toBe(ids.length);
  });
});
