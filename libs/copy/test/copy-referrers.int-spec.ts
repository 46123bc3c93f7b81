import { CopyEngine } from '@airlock/copy';
import {
  buildArtifact,
  buildArtifactIndex,
  buildIndex,
  buildSbom,
  buildSignature,
  ImagePusher,
  referrersFallbackTag,
  RegistryFixture,
  sha256Digest,
  Skopeo,
  type TestImage,
} from '@airlock/testing';
import { clientFor } from './registry-clients';

const IN_TOTO = 'application/vnd.in-toto+json';

/**
 * Per-platform signatures and SBOMs as cosign, notation and buildx leave them on a registry
 * without the referrers API (distribution 2.8): listed by `sha256-<hex>` fallback indexes of
 * each platform manifest. skopeo reads back what arrived.
 */
describe('copy engine: the referrers of every manifest it copies, against real registries', () => {
  const engine = new CopyEngine();
  let source: RegistryFixture;
  let target: RegistryFixture; // basic auth: every fallback write needs push rights

  beforeAll(async () => {
    [source, target] = await Promise.all([
      RegistryFixture.start({ name: 'referrers-source' }),
      RegistryFixture.start({ name: 'referrers-target', auth: 'htpasswd' }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
  });

  /** Raw bytes at the target through skopeo, the independent client. */
  const rawAtTarget = (reference: string) =>
    Skopeo.inspectRaw(`${target.host}/${reference}`, {
      credentials: target.credentials,
      tls: false,
    });
  const listedAtTarget = async (repository: string, subject: string) =>
    (
      JSON.parse(
        (await rawAtTarget(`${repository}:${referrersFallbackTag(subject)}`)).toString(),
      ) as {
        manifests: Array<{ digest: string }>;
      }
    ).manifests
      .map((m) => m.digest)
      .sort();

  /** A three-platform index: each platform signed with an SBOM, the index signed, more below. */
  async function pushSignedIndex(repository: string) {
    const index = buildIndex({ layers: [{ size: 4096 }] });
    const perPlatform = index.children.map((child) => ({
      child,
      signature: buildSignature(child),
      sbom: buildSbom(child),
    }));
    const indexSignature = buildSignature(index);
    // A signature on an SBOM, and an index of per-platform attestations whose subject is the index.
    const sbomSignature = buildSignature(perPlatform[0]!.sbom);
    const attestations = buildArtifactIndex({
      subject: index,
      artifactType: IN_TOTO,
      children: index.children.map((child) =>
        buildArtifact({
          subject: child,
          artifactType: IN_TOTO,
          payload: Buffer.from(JSON.stringify({ predicateType: 'https://slsa.dev/provenance/v1' })),
          payloadMediaType: 'application/vnd.in-toto+json',
        }),
      ),
    });
    const pusher = new ImagePusher(source);
    await pusher.push(repository, index, ['build']);
    for (const { signature, sbom } of perPlatform) {
      await pusher.pushReferrer(repository, signature);
      await pusher.pushReferrer(repository, sbom);
    }
    await pusher.pushReferrer(repository, indexSignature);
    await pusher.pushReferrer(repository, sbomSignature);
    await pusher.pushReferrer(repository, attestations);
    pusher.close();
    return { index, perPlatform, indexSignature, sbomSignature, attestations };
  }

  it('carries every platform manifest’s signature and SBOM, an index referrer with its children, and a signature on an SBOM', async () => {
    const pushed = await pushSignedIndex('signed/multi');

    const result = await engine.copy({
      source: {
        registry: clientFor(source, 'source'),
        repository: 'signed/multi',
        digest: pushed.index.digest,
      },
      target: { registry: clientFor(target, 'target'), repository: 'prod/multi', tags: ['1.0.0'] },
      options: { referrers: true },
    });

    for (const { child, signature, sbom } of pushed.perPlatform) {
      expect(await listedAtTarget('prod/multi', child.digest)).toEqual(
        [signature.digest, sbom.digest].sort(),
      );
      for (const referrer of [signature, sbom])
        expect(
          (await rawAtTarget(`prod/multi@${referrer.digest}`)).equals(referrer.manifestBytes),
        ).toBe(true);
    }
    expect(await listedAtTarget('prod/multi', pushed.index.digest)).toEqual(
      [pushed.indexSignature.digest, pushed.attestations.digest].sort(),
    );
    expect(await listedAtTarget('prod/multi', pushed.perPlatform[0]!.sbom.digest)).toEqual([
      pushed.sbomSignature.digest,
    ]);
    for (const attestation of pushed.attestations.children)
      expect(sha256Digest(await rawAtTarget(`prod/multi@${attestation.digest}`))).toBe(
        attestation.digest,
      );

    const expected: Array<[TestImage, string]> = [
      ...pushed.perPlatform.flatMap(({ child, signature, sbom }): Array<[TestImage, string]> => [
        [signature, child.digest],
        [sbom, child.digest],
      ]),
      [pushed.indexSignature, pushed.index.digest],
      [pushed.attestations, pushed.index.digest],
      [pushed.sbomSignature, pushed.perPlatform[0]!.sbom.digest],
    ];
    expect(
      result.referrers.map((r) => [r.digest, r.subject, r.artifactType, r.action]).sort(),
    ).toEqual(
      expected
        .map(([referrer, subject]) => [referrer.digest, subject, referrer.artifactType, 'copy'])
        .sort(),
    );
  });

  it('copies nothing the second time, and still reports every referrer it carries', async () => {
    const pushed = await pushSignedIndex('signed/again');
    const request = (onRequest?: (event: { method: string }) => void) => ({
      source: {
        registry: clientFor(source, 'source'),
        repository: 'signed/again',
        digest: pushed.index.digest,
      },
      target: {
        registry: clientFor(target, 'target', onRequest),
        repository: 'prod/again',
        tags: ['1.0.0'],
      },
      options: { referrers: true },
    });
    await engine.copy(request());

    const writes: string[] = [];
    const again = await engine.copy(
      request((event) => {
        if (!['GET', 'HEAD'].includes(event.method)) writes.push(event.method);
      }),
    );

    expect(again.alreadyPresent).toBe(true);
    expect(writes).toEqual([]);
    expect(again.referrers).toHaveLength(9);
    expect(again.referrers.every((r) => r.action === 'skip')).toBe(true);
  });
});
