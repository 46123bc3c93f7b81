import { generateToken } from '@airlock/auth';
import {
  AirlockProcess,
  buildImage,
  FaultProxy,
  buildIndex,
  buildSbom,
  buildSignature,
  ImagePusher,
  MediaTypes,
  referrersFallbackTag,
  RegistryFixture,
  Skopeo,
  waitFor,
  type TestDatabase,
  type TestImage,
  type TestRedis,
} from '@airlock/testing';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';

interface ReferrerEntry {
  digest: string;
  artifactType?: string | null;
  subject: string;
  action: string;
}
interface Promotion {
  id: string;
  status: string;
  plan: Array<{ registry: string; referrers: ReferrerEntry[] }>;
  targets: Array<{ status: string; result: { referrers: ReferrerEntry[] } | null }>;
}
interface DryRun {
  ready: boolean;
  evaluation: { violations: Array<{ rule: string; message: string }> };
  targets: Array<{ referrers: ReferrerEntry[] }>;
}
interface Problem {
  code: string;
  detail: string;
  violations: Array<{ rule: string; message: string }>;
}

const SIG = MediaTypes.cosignSignature;
const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/**
 * Per-platform signatures and SBOMs through a promotion, as CI sees it: a multi-platform index
 * whose platforms are signed one by one (cosign, notation) on a CI registry without the OCI
 * referrers API, a Prod stage that requires a signature on every platform manifest, real API and
 * worker processes, and skopeo reading what landed.
 */
describe('referrers of every platform manifest through a promotion', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let worker: AirlockProcess;
  let ciRegistry: RegistryFixture;
  let prod: RegistryFixture;
  let flakyProd: FaultProxy;
  let pusher: ImagePusher;
  let ci: string;

  beforeAll(async () => {
    [ciRegistry, prod] = await Promise.all([
      RegistryFixture.start({ name: 'referrers-ci' }),
      RegistryFixture.start({ name: 'referrers-prod' }),
    ]);
    pusher = new ImagePusher(ciRegistry);
    flakyProd = await FaultProxy.start({ target: prod.url });
    ({ db, redis, api } = await startTestApi('referrers', adminToken));
    worker = AirlockProcess.start('worker', {
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
    });
    await worker.waitForLog(/worker consuming queues: .*promotion/);
    const admin = (method: string, path: string, body: unknown) =>
      api.call(method, path, { token: adminToken, body });
    for (const [name, url, role] of [
      ['ci-pool', ciRegistry.url, 'ci'],
      ['prod', prod.url, 'prod'],
      ['prod-flaky', flakyProd.url, 'prod'],
    ])
      expect((await admin('POST', '/api/v1/registries', { name, url, role })).status).toBe(201);
    for (const [name, registry] of [
      ['ci', 'ci-pool'],
      ['prod', 'prod'],
      ['prod-b', 'prod-flaky'],
    ])
      expect((await admin('POST', '/api/v1/stages', { name, registries: [registry] })).status).toBe(
        201,
      );
    const rules = {
      allowedSourceStages: ['ci'],
      requiredReferrers: [SIG],
      requiredPlatformReferrers: [SIG],
    };
    const policy = await admin('PUT', '/api/v1/stages/prod/policy', rules);
    expect(policy.status).toBe(200);
    expect((await admin('PUT', '/api/v1/stages/prod-b/policy', rules)).status).toBe(200);
    expect(policy.body).toMatchObject({
      requiredReferrers: [SIG],
      requiredPlatformReferrers: [SIG],
    });
    ci = (
      (await admin('POST', '/api/v1/tokens', { name: 'jenkins', role: 'ci' })).body as {
        token: string;
      }
    ).token;
  });

  afterAll(async () => {
    await worker?.stop();
    pusher?.close();
    await flakyProd?.stop();
    await Promise.all([ciRegistry?.stop(), prod?.stop()]);
    await stopTestApi({ api, redis, db });
  });

  const promote = <T>(repository: string, digest: string, extra: Record<string, unknown> = {}) =>
    api.call<T>('POST', '/api/v1/promotions', {
      token: ci,
      body: { repository, digest, source: 'ci', target: 'prod', ...extra },
    });
  const settled = (id: string) =>
    waitFor(
      `promotion ${id} to finish`,
      async () => {
        const shown = await api.call<Promotion>('GET', `/api/v1/promotions/${id}`, { token: ci });
        return TERMINAL.includes(shown.body.status) ? shown.body : undefined;
      },
      45000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- worker logs ---\n${worker.logs}`);
    });
  /** The digests the Prod registry lists as referrers of `subject` (its sha256-<hex> index). */
  const listedInProd = async (repository: string, subject: string) => {
    const raw = await Skopeo.inspectRaw(
      `${prod.host}/${repository}:${referrersFallbackTag(subject)}`,
      { tls: false },
    );
    return (JSON.parse(raw.toString()) as { manifests: Array<{ digest: string }> }).manifests
      .map((m) => m.digest)
      .sort();
  };
  const pairs = (entries: ReferrerEntry[]) => entries.map((r) => [r.digest, r.subject]).sort();

  it('refuses an index with an unsigned platform (409 naming it), then promotes it with every referrer of every platform once all are signed', async () => {
    const index = buildIndex({ layers: [{ size: 2048 }] }); // amd64, arm64, arm/v7
    await pusher.push('team/multi', index, ['build']);
    const referrers: Array<[TestImage, string]> = [];
    const attach = async (artifact: TestImage) => {
      await pusher.pushReferrer('team/multi', artifact);
      referrers.push([artifact, artifact.subject!.digest]);
    };
    await attach(buildSignature(index));
    await attach(buildSbom(index));
    for (const child of index.children) await attach(buildSbom(child));
    const [amd64, arm64, armV7] = index.children as [TestImage, TestImage, TestImage];
    await attach(buildSignature(amd64));
    await attach(buildSignature(arm64));

    const refused = await promote<Problem>('team/multi', index.digest, { tags: ['1.0.0'] });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('POLICY_UNMET');
    expect(refused.body.violations).toEqual([
      {
        rule: 'requiredPlatformReferrer',
        message: `Platform linux/arm/v7 (${armV7.digest}) has no referrer of type ${SIG}; every platform manifest must have one`,
      },
    ]);
    expect(refused.body.detail).toContain('linux/arm/v7');

    await attach(buildSignature(armV7));
    const dryRun = await promote<DryRun>('team/multi', index.digest, {
      tags: ['1.0.0'],
      dryRun: true,
    });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.ready).toBe(true);
    const expected = referrers.map(([artifact, subject]) => [artifact.digest, subject]).sort();
    expect(pairs(dryRun.body.targets[0]!.referrers)).toEqual(expected);
    expect(dryRun.body.targets[0]!.referrers.every((r) => r.action === 'copy')).toBe(true);

    const accepted = await promote<Promotion>('team/multi', index.digest, { tags: ['1.0.0'] });
    expect(accepted.status).toBe(202);
    expect(pairs(accepted.body.plan[0]!.referrers)).toEqual(expected);
    const done = await settled(accepted.body.id);
    expect(done.status).toBe('succeeded');
    const landed = done.targets[0]!.result!.referrers;
    expect(pairs(landed)).toEqual(expected);
    expect(landed.every((r) => r.action === 'copy')).toBe(true);

    // In Prod: every platform manifest lists its signature and SBOM, and the index its own —
    // the SBOMs too, though the policy only required signatures.
    for (const subject of [index, amd64, arm64, armV7]) {
      const own = referrers.filter(([, s]) => s === subject.digest).map(([a]) => a.digest);
      expect(await listedInProd('team/multi', subject.digest)).toEqual(own.sort());
    }
    for (const [artifact] of referrers) {
      const raw = await Skopeo.inspectRaw(`${prod.host}/team/multi@${artifact.digest}`, {
        tls: false,
      });
      expect(raw.equals(artifact.manifestBytes)).toBe(true);
    }
  });

  it('requires the signature of a single-platform image itself, and admits it once signed', async () => {
    const image = buildImage({ layers: [{ size: 1024 }] });
    await pusher.push('team/single', image, ['build']);
    const sbom = buildSbom(image);
    await pusher.pushReferrer('team/single', sbom);

    const unsigned = await promote<DryRun>('team/single', image.digest, { dryRun: true });
    expect(unsigned.status).toBe(200);
    expect(unsigned.body.ready).toBe(false);
    expect(unsigned.body.evaluation.violations).toEqual([
      {
        rule: 'requiredReferrer',
        message: `A referrer of type ${SIG} is required and none is present`,
      },
      {
        rule: 'requiredPlatformReferrer',
        message: `The image ${image.digest} has no referrer of type ${SIG}; every platform manifest must have one`,
      },
    ]);

    const signature = buildSignature(image);
    await pusher.pushReferrer('team/single', signature);
    const accepted = await promote<Promotion>('team/single', image.digest);
    expect(accepted.status).toBe(202);
    const done = await settled(accepted.body.id);
    expect(done.status).toBe('succeeded');
    expect(await listedInProd('team/single', image.digest)).toEqual(
      [sbom.digest, signature.digest].sort(),
    );
  });

  it('judges a retry by the same referrers: a failed promotion of a signed index runs again', async () => {
    const index = buildIndex({ layers: [{ size: 512 }] });
    await pusher.push('team/retry', index, ['build']);
    for (const subject of [index, ...index.children])
      await pusher.pushReferrer('team/retry', buildSignature(subject));
    // The first copy is refused for good by the registry (403 on its first manifest).
    const denied = flakyProd.addRule({ method: 'PUT', path: /\/manifests\//, status: 403 });
    const accepted = await promote<Promotion>('team/retry', index.digest, { target: 'prod-b' });
    expect(accepted.status).toBe(202);
    expect((await settled(accepted.body.id)).status).toBe('failed');
    expect(denied.applied).toBe(1);

    const retried = await api.call<Promotion>(
      'POST',
      `/api/v1/promotions/${accepted.body.id}/retry`,
      { token: ci },
    );
    expect(retried.status).toBe(202);
    expect((await settled(accepted.body.id)).status).toBe('succeeded');
  });

  it("lists an image's referrers at each of its locations, read live, a failing registry reported in its place", async () => {
    interface Listed {
      registry: string;
      referrers: Array<{ digest: string; artifactType: string | null }> | null;
      platforms: Array<{ platform: string; referrers: Array<{ digest: string }> }> | null;
      error: { code: string } | null;
    }
    const index = buildIndex({ layers: [{ size: 256 }] });
    await pusher.push('team/page', index, ['build']);
    const signature = buildSignature(index);
    await pusher.pushReferrer('team/page', signature);
    const [amd64] = index.children as [TestImage];
    const sbom = buildSbom(amd64);
    await pusher.pushReferrer('team/page', sbom);
    const registered = await api.call('POST', '/api/v1/images', {
      token: ci,
      body: { registry: 'ci-pool', repository: 'team/page', tag: 'build' },
    });
    expect(registered.status).toBe(201);

    const listed = await api.call<{ digest: string; locations: Listed[] }>(
      'GET',
      `/api/v1/images/${index.digest}/referrers`,
      { token: ci },
    );
    expect(listed.status).toBe(200);
    expect(listed.body.digest).toBe(index.digest);
    expect(listed.body.locations).toHaveLength(1);
    const [at] = listed.body.locations as [Listed];
    expect(at).toMatchObject({ registry: 'ci-pool', repository: 'team/page', error: null });
    expect(at.referrers).toEqual([
      expect.objectContaining({ digest: signature.digest, artifactType: SIG }),
    ]);
    expect(at.platforms!.map((p) => [p.platform, p.referrers.map((r) => r.digest)])).toEqual([
      ['linux/amd64', [sbom.digest]],
      ['linux/arm64', []],
      ['linux/arm/v7', []],
    ]);

    // team/retry landed in prod-flaky (the retry above): with that registry refusing reads,
    // its location says why and the CI pool's still answers.
    const retried = await api.call<{ items: Array<{ digest: string }> }>(
      'GET',
      '/api/v1/images?repository=team/retry',
      { token: ci },
    );
    const digest = retried.body.items[0]!.digest;
    const refused = flakyProd.addRule({
      method: 'GET',
      path: /\/manifests\//,
      status: 403,
      times: Infinity,
    });
    try {
      const partly = await api.call<{ locations: Listed[] }>(
        'GET',
        `/api/v1/images/${digest}/referrers`,
        { token: ci },
      );
      expect(partly.status).toBe(200);
      const byRegistry = new Map(partly.body.locations.map((l) => [l.registry, l]));
      expect([...byRegistry.keys()].sort()).toEqual(['ci-pool', 'prod-flaky']);
      expect(byRegistry.get('prod-flaky')).toMatchObject({
        referrers: null,
        platforms: null,
        error: { code: expect.stringMatching(/^REGISTRY_/) },
      });
      expect(byRegistry.get('ci-pool')!.referrers).toEqual([
        expect.objectContaining({ artifactType: SIG }),
      ]);
      expect(refused.applied).toBeGreaterThan(0);
    } finally {
      flakyProd.clearRules();
    }

    const unknown = await api.call<{ code: string }>(
      'GET',
      `/api/v1/images/sha256:${'0'.repeat(64)}/referrers`,
      { token: ci },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
  });
});
