import { generateKeyPairSync } from 'node:crypto';
import {
  checkAttestations,
  cosignAttestationTag,
  DSSE_MEDIA_TYPE,
  keyIdOf,
  PROMOTION_ANNOTATION,
  PromotionAttestations,
  SigningKeys,
  STAGE_ANNOTATION,
  type Attached,
  type PromotionFacts,
} from '@airlock/attestations';
import { CopyEngine } from '@airlock/copy';
import { MediaType, RegistryClient } from '@airlock/registry-client';
import {
  buildImage,
  buildIndex,
  buildSignature,
  DEFAULT_PLATFORMS,
  ImagePusher,
  MemoryRegistry,
  referrersFallbackTag,
  RegistryTransport,
  type Descriptor,
  type TestImage,
} from '@airlock/testing';

const VSA = 'https://slsa.dev/verification_summary/v1';

interface Index {
  mediaType: string;
  manifests: Descriptor[];
}
interface Manifest {
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
}

/**
 * A promotion's signed attestation on a target registry WITH the OCI 1.1 referrers API (the
 * in-memory registry; CNCF distribution 2.8 in the e2e tier has none): the registry lists the
 * attestation itself, so Airlock writes no `sha256-<hex>` fallback index, and verification
 * finds it through the API. The same registry without the API gets the fallback tag: the test
 * tells the two apart. The source (`ci`) is a registry without the API holding a signature.
 */
describe('attestations on a registry with the referrers API', () => {
  const engine = new CopyEngine();
  const signing = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const attestations = new PromotionAttestations(
    SigningKeys.fromSettings({
      signingKey: signing.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    }),
  );
  let ci: MemoryRegistry;
  let api: MemoryRegistry;
  let legacy: MemoryRegistry;
  const raw = new Map<MemoryRegistry, RegistryTransport>();

  // All three run for the whole file: the client remembers per origin whether the referrers
  // API is there, and a port reused by another of these registries would inherit that.
  beforeAll(async () => {
    [ci, api, legacy] = await Promise.all([
      MemoryRegistry.start({ referrersApi: false }),
      MemoryRegistry.start({ referrersApi: true }),
      MemoryRegistry.start({ referrersApi: false }),
    ]);
    for (const registry of [ci, api, legacy])
      raw.set(registry, new RegistryTransport({ url: registry.url }));
  });

  afterAll(async () => {
    for (const transport of raw.values()) transport.close();
    await Promise.all([ci?.stop(), api?.stop(), legacy?.stop()]);
  });

  const clientOf = (registry: MemoryRegistry) =>
    new RegistryClient({ name: 'memory', url: registry.url });

  /** An image (or index) in ci with a cosign signature listed in its fallback index. */
  async function built(repository: string, image: TestImage): Promise<TestImage> {
    const pusher = new ImagePusher({ url: ci.url });
    await pusher.push(repository, image, ['candidate']);
    const signature = buildSignature(image);
    await pusher.pushReferrer(repository, signature);
    pusher.close();
    return signature;
  }

  function factsOf(
    target: MemoryRegistry,
    repository: string,
    digest: string,
    promotionId: string,
    stage: string,
  ): PromotionFacts {
    return {
      promotionId,
      digest,
      source: { stage: 'ci', registry: 'ci', repository },
      target: { stage, registry: 'memory', host: target.host, repository },
      tags: ['1.0'],
      policy: { rules: [{ gate: 'scan' }] },
      evidence: [],
      requestedBy: { id: null, name: 'release-bot' },
      requestedAt: new Date('2026-06-01T12:00:00Z'),
    };
  }

  /** What the promotion runner does: copy with referrers, attest before the tags. */
  async function promote(
    target: MemoryRegistry,
    repository: string,
    image: TestImage,
    promotionId: string,
    stage: string,
    tag = '1.0',
  ): Promise<Attached> {
    let attached: Attached | null = null;
    const client = clientOf(target);
    const result = await engine.copy({
      source: { registry: clientOf(ci), repository, digest: image.digest },
      target: { registry: client, repository, tags: [tag] },
      options: {
        referrers: true,
        beforeTags: async () => {
          attached = await attestations.attest(
            client,
            factsOf(target, repository, image.digest, promotionId, stage),
          );
        },
      },
    });
    expect(result.digest).toBe(image.digest);
    return attached!;
  }

  /** GET through plain HTTP, not Airlock's client. */
  async function get(registry: MemoryRegistry, path: string) {
    const response = await raw.get(registry)!.request({ method: 'GET', path });
    return { ...response, json: () => JSON.parse(response.body.toString()) as unknown };
  }

  async function listedByApi(repository: string, digest: string, artifactType?: string) {
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const response = await get(api, `/v2/${repository}/referrers/${digest}${query}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(MediaType.OciIndex);
    if (artifactType) expect(response.headers['oci-filters-applied']).toBe('artifactType');
    return (response.json() as Index).manifests;
  }

  const manifestAt = async (registry: MemoryRegistry, repository: string, reference: string) =>
    (await get(registry, `/v2/${repository}/manifests/${reference}`)).json() as Manifest;

  /** Every request, any method, for a subject's `sha256-<hex>` fallback tag. */
  const fallbackTagRequests = (registry: MemoryRegistry, repository: string, digest: string) =>
    registry.requests.filter(
      (r) => r.path === `/v2/${repository}/manifests/${referrersFallbackTag(digest)}`,
    );

  /**
   * Nothing wrote a subject's fallback tag, and nothing read it once the repository existed: the
   * client's one look at it is the copy's first listing, which the API answers NAME_UNKNOWN for
   * a repository nothing was pushed to yet (where no fallback tag can be either).
   */
  function expectNoFallbackTag(registry: MemoryRegistry, repository: string, digest: string) {
    const firstWrite = registry.requests.findIndex(
      (r) => r.path.startsWith(`/v2/${repository}/`) && !['GET', 'HEAD'].includes(r.method),
    );
    expect(firstWrite).toBeGreaterThan(-1);
    const requests = fallbackTagRequests(registry, repository, digest);
    expect(requests.map((r) => [r.method, r.status])).toEqual(
      requests.length ? [['GET', 404]] : [],
    );
    for (const request of requests)
      expect(registry.requests.indexOf(request)).toBeLessThan(firstWrite);
  }

  describe('an image promoted into a registry with the referrers API', () => {
    const repository = 'team/app';
    const image = buildImage({ layers: [{ size: 2048 }] });
    let signature: TestImage;
    let first: Attached;

    beforeAll(async () => {
      signature = await built(repository, image);
      api.clearRequests();
      first = await promote(api, repository, image, 'p-staging', 'staging');
    });

    it('is listed by the referrers API as a DSSE artifact of the digest, with the copied signature', async () => {
      expect(first.written).toBe(true);
      const all = await listedByApi(repository, image.digest);
      expect(all.map((d) => d.digest).sort()).toEqual([first.referrer, signature.digest].sort());
      const dsse = await listedByApi(repository, image.digest, DSSE_MEDIA_TYPE);
      expect(dsse).toEqual([
        {
          mediaType: MediaType.OciManifest,
          digest: first.referrer,
          size: expect.any(Number),
          artifactType: DSSE_MEDIA_TYPE,
          annotations: expect.objectContaining({
            [PROMOTION_ANNOTATION]: 'p-staging',
            [STAGE_ANNOTATION]: 'staging',
            'in-toto.io/predicate-type': VSA,
          }),
        },
      ]);
      const manifest = await manifestAt(api, repository, first.referrer);
      expect(manifest.subject).toEqual({
        mediaType: image.mediaType,
        digest: image.digest,
        size: image.manifestBytes.length,
      });
      expect(manifest.config.mediaType).toBe(MediaType.OciEmpty);
      expect(manifest.layers.map((l) => l.mediaType)).toEqual([DSSE_MEDIA_TYPE]);
    });

    it('writes no sha256-<hex> fallback tag, nor reads one: only the image tag and cosign .att', async () => {
      expect(await clientOf(api).listTags(repository)).toEqual([
        '1.0',
        cosignAttestationTag(image.digest),
      ]);
      expectNoFallbackTag(api, repository, image.digest);
      expect(
        api.requestsTo('GET', `/v2/${repository}/referrers/${image.digest}`).map((r) => r.status),
      ).toContain(200);
    });

    it('verifies through the referrer path with the public key, and not with another key', async () => {
      api.clearRequests();
      const checked = await checkAttestations(
        clientOf(api),
        repository,
        image.digest,
        [signing.publicKey],
        'staging',
      );
      expect(checked).toEqual([
        expect.objectContaining({
          source: 'referrer',
          verified: true,
          problem: null,
          keyId: keyIdOf(signing.publicKey),
        }),
      ]);
      expect(checked[0]!.statement!.subject[0]!.digest).toEqual({
        sha256: image.digest.slice('sha256:'.length),
      });
      expect(api.requestsTo('GET', `/v2/${repository}/referrers/${image.digest}`)).toEqual([
        expect.objectContaining({ query: `?artifactType=${encodeURIComponent(DSSE_MEDIA_TYPE)}` }),
      ]);
      expect(fallbackTagRequests(api, repository, image.digest)).toEqual([]);

      const withOther = await checkAttestations(clientOf(api), repository, image.digest, [
        other.publicKey,
      ]);
      expect(withOther).toEqual([
        expect.objectContaining({
          source: 'referrer',
          verified: false,
          problem: 'no signature verifies with the given key(s)',
        }),
      ]);
    });

    it('writes nothing on a retry of the promotion; a promotion to another stage adds a referrer', async () => {
      api.clearRequests();
      const client = clientOf(api);
      const retry = await attestations.attest(
        client,
        factsOf(api, repository, image.digest, 'p-staging', 'staging'),
      );
      expect(retry).toEqual({ referrer: first.referrer, written: false });
      expect(api.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')).toEqual([]);
      expect(await listedByApi(repository, image.digest, DSSE_MEDIA_TYPE)).toHaveLength(1);

      const prod = await promote(api, repository, image, 'p-prod', 'prod');
      expect(prod.written).toBe(true);
      const dsse = await listedByApi(repository, image.digest, DSSE_MEDIA_TYPE);
      expect(dsse.map((d) => d.annotations?.[STAGE_ANNOTATION]).sort()).toEqual([
        'prod',
        'staging',
      ]);
      const cosign = await manifestAt(api, repository, cosignAttestationTag(image.digest));
      expect(cosign.layers).toHaveLength(2);
      expect(new Set(cosign.layers.map((l) => l.digest)).size).toBe(2);
      expect(cosign.layers.every((l) => l.mediaType === DSSE_MEDIA_TYPE)).toBe(true);

      const keys = [signing.publicKey];
      const all = await checkAttestations(client, repository, image.digest, keys);
      expect(all.map((c) => [c.source, c.verified])).toEqual([
        ['referrer', true],
        ['referrer', true],
      ]);
      const forProd = await checkAttestations(client, repository, image.digest, keys, 'prod');
      expect(forProd.filter((c) => c.verified)).toHaveLength(1);
      expect(forProd.find((c) => !c.verified)!.problem).toMatch(/does not attest stage prod/);
      expect(await client.listTags(repository)).toEqual([
        '1.0',
        cosignAttestationTag(image.digest),
      ]);
      expect(fallbackTagRequests(api, repository, image.digest)).toEqual([]);
    });
  });

  it('on the same registry without the referrers API, writes the sha256-<hex> fallback index', async () => {
    const repository = 'team/legacy';
    const image = buildImage();
    const signature = await built(repository, image);
    const attached = await promote(legacy, repository, image, 'p-legacy', 'staging');
    expect(attached.written).toBe(true);

    const fallback = referrersFallbackTag(image.digest);
    expect(await clientOf(legacy).listTags(repository)).toEqual([
      '1.0',
      fallback,
      cosignAttestationTag(image.digest),
    ]);
    const index = (await get(legacy, `/v2/${repository}/manifests/${fallback}`)).json() as Index;
    expect(index.manifests.map((d) => d.digest).sort()).toEqual(
      [attached.referrer, signature.digest].sort(),
    );
    expect(index.manifests.find((d) => d.digest === attached.referrer)).toMatchObject({
      artifactType: DSSE_MEDIA_TYPE,
      annotations: { [PROMOTION_ANNOTATION]: 'p-legacy' },
    });
    expect(legacy.requestsTo('PUT', `/v2/${repository}/manifests/${fallback}`)).not.toEqual([]);
    const listing = await get(legacy, `/v2/${repository}/referrers/${image.digest}`);
    expect(listing.status).toBe(404);

    const checked = await checkAttestations(clientOf(legacy), repository, image.digest, [
      signing.publicKey,
    ]);
    expect(checked.map((c) => [c.source, c.verified])).toEqual([['referrer', true]]);
  });

  it('attests a multi-platform index as a whole: a referrer of the index digest, none of its platforms', async () => {
    const repository = 'team/multi';
    const index = buildIndex({ platforms: DEFAULT_PLATFORMS.slice(0, 2) });
    await built(repository, index);
    const attached = await promote(api, repository, index, 'p-multi', 'staging', '2.0');
    expect(attached.written).toBe(true);

    const dsse = await listedByApi(repository, index.digest, DSSE_MEDIA_TYPE);
    expect(dsse.map((d) => d.digest)).toEqual([attached.referrer]);
    const manifest = await manifestAt(api, repository, attached.referrer);
    expect(manifest.subject).toMatchObject({ mediaType: MediaType.OciIndex, digest: index.digest });
    for (const child of index.children)
      expect(await listedByApi(repository, child.digest, DSSE_MEDIA_TYPE)).toEqual([]);

    const client = clientOf(api);
    const keys = [signing.publicKey];
    const checked = await checkAttestations(client, repository, index.digest, keys, 'staging');
    expect(checked.map((c) => [c.source, c.verified])).toEqual([['referrer', true]]);
    expect(checked[0]!.statement!.subject[0]!.digest.sha256).toBe(index.digest.split(':')[1]);
    expect(await checkAttestations(client, repository, index.children[0]!.digest, keys)).toEqual(
      [],
    );
    expect(await client.listTags(repository)).toEqual(['2.0', cosignAttestationTag(index.digest)]);
    for (const digest of [index.digest, ...index.children.map((c) => c.digest)])
      expectNoFallbackTag(api, repository, digest);
  });
});
