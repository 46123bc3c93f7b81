import { generateToken } from '@airlock/auth';
import {
  AirlockProcess,
  buildImage,
  buildSignature,
  createLayer,
  FaultProxy,
  ImagePusher,
  MediaTypes,
  referrersFallbackTag,
  RegistryFixture,
  sha256Digest,
  waitFor,
  type TestDatabase,
  type TestImage,
  type TestRedis,
} from '@airlock/testing';
import { Client } from 'pg';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';

interface Item {
  id: string;
  status: string;
  digest: string;
  releaseId: string | null;
  tags: string[];
  targets: Array<{ registry: string; status: string; stagedAt: string | null }>;
  error: { code: string } | null;
}
interface Release {
  id: string;
  status: string;
  run: number;
  staged: { done: number; total: number };
  tagsLanded: Array<{ registry: string; repository: string; tag: string }>;
  items: Item[];
  error: { code: string; message: string } | null;
}
interface Problem {
  code: string;
  detail: string;
  items?: Array<{ index: number; repository: string; code: string; missing?: string[] }>;
  errors?: Array<{ field: string; rule: string }>;
}

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/**
 * Releases as CI drives them: real API and worker processes, a CI registry and a Prod stage of
 * two registries (one behind a FaultProxy, which counts what is uploaded and injects faults),
 * Postgres and Redis. A release writes no tag until every item landed in every target registry.
 */
describe('releases over HTTP', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let pg: Client;
  let ciRegistry: RegistryFixture;
  let prodA: RegistryFixture;
  let prodB: RegistryFixture;
  let proxyB: FaultProxy;
  let ciPusher: ImagePusher;
  let aPusher: ImagePusher;
  let bPusher: ImagePusher;
  let ci: string;
  let reader: string;
  let worker: AirlockProcess;

  beforeAll(async () => {
    [ciRegistry, prodA, prodB] = await Promise.all([
      RegistryFixture.start({ auth: 'none', name: 'rel-ci' }),
      RegistryFixture.start({ auth: 'none', name: 'rel-prod-a' }),
      RegistryFixture.start({ auth: 'none', name: 'rel-prod-b' }),
    ]);
    proxyB = await FaultProxy.start({ target: prodB.url });
    ciPusher = new ImagePusher(ciRegistry);
    aPusher = new ImagePusher(prodA);
    bPusher = new ImagePusher(prodB);
    const env = { AIRLOCK_JOB_LOCK_MS: '2000', AIRLOCK_RECONCILE_INTERVAL_MS: '1000' };
    ({ db, redis, api } = await startTestApi('releases', adminToken, env));
    worker = AirlockProcess.start('worker', {
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
      ...env,
    });
    await worker.waitForLog(/worker consuming queues: .*release/);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const admin = async (method: string, path: string, body: unknown) =>
      expect((await api.call(method, path, { token: adminToken, body })).status).toBeLessThan(300);
    for (const [name, url, role] of [
      ['ci-pool', ciRegistry.url, 'ci'],
      ['prod-a', prodA.url, 'prod'],
      ['prod-b', `http://127.0.0.1:${proxyB.port}`, 'prod'],
    ])
      await admin('POST', '/api/v1/registries', { name, url, role });
    await admin('POST', '/api/v1/stages', { name: 'ci', registries: ['ci-pool'] });
    await admin('POST', '/api/v1/stages', {
      name: 'prod',
      position: 2,
      registries: ['prod-a', 'prod-b'],
    });
    await admin('PUT', '/api/v1/stages/prod/policy', {
      allowedSourceStages: ['ci'],
      requiredGates: ['unit-tests'],
      immutableTags: true,
    });
    const token = async (name: string, role: string) =>
      (
        (await api.call('POST', '/api/v1/tokens', { token: adminToken, body: { name, role } }))
          .body as { token: string }
      ).token;
    ci = await token('jenkins', 'ci');
    reader = await token('dashboard', 'reader');
  });

  afterAll(async () => {
    await worker?.stop();
    await pg?.end();
    for (const each of [ciPusher, aPusher, bPusher]) each?.close();
    await proxyB?.stop();
    await Promise.all([ciRegistry, prodA, prodB].map((r) => r?.stop()));
    await stopTestApi({ api, redis, db });
  });

  const release = <T = Release>(body: Record<string, unknown>, key?: string) =>
    api.call<T>('POST', '/api/v1/releases', {
      token: ci,
      body: { source: 'ci', target: 'prod', ...body },
      headers: key ? { 'idempotency-key': key } : {},
    });
  const show = async (id: string) =>
    (await api.call<Release>('GET', `/api/v1/releases/${id}`, { token: reader })).body;
  const settled = (id: string) =>
    waitFor(
      `release ${id} to finish`,
      async () => {
        const current = await show(id);
        return TERMINAL.includes(current.status) ? current : undefined;
      },
      60000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- worker logs ---\n${worker.logs}`);
    });
  const count = async (table: string) =>
    Number((await pg.query(`SELECT count(*) FROM ${table}`)).rows[0].count);
  const tagAt = async (pusher: ImagePusher, repository: string, tag: string) => {
    const manifest = await pusher.getManifest(repository, tag);
    return manifest && sha256Digest(manifest.bytes);
  };

  /** Pushes an image to the CI pool and registers it; `tested` records its unit-tests gate. */
  const built = async (repository: string, image: TestImage = buildImage(), tested = true) => {
    const { digest } = await ciPusher.push(repository, image, ['build']);
    const registered = await api.call('POST', '/api/v1/images', {
      token: ci,
      body: { registry: 'ci-pool', repository, digest },
    });
    expect(registered.status).toBe(201);
    if (tested) {
      const gate = await api.call('POST', `/api/v1/gates/${digest}/results`, {
        token: ci,
        body: { gate: 'unit-tests', status: 'passed' },
      });
      expect(gate.status).toBe(201);
    }
    return digest;
  };

  /** An image built and registered as `built` does, signed in the CI pool. */
  const signedBuilt = async (repository: string, size: number) => {
    const image = buildImage({ layers: [{ size }] });
    const digest = await built(repository, image);
    const signature = buildSignature(image);
    await ciPusher.pushReferrer(repository, signature);
    return { digest, signature };
  };

  /** prod-b takes `repository`'s blob uploads (chunks and the final PUT) `delayMs` late each. */
  const slowUploadsInB = (repository: string, delayMs: number) => {
    const path = new RegExp(`/v2/${repository}/blobs/uploads/`);
    for (const method of ['PATCH', 'PUT'])
      proxyB.addRule({ method, path, delayMs, times: Infinity });
  };

  it('answers a bad ?wait with a problem naming it, for releases and promotions alike', async () => {
    const some = '00000000-0000-4000-8000-000000000000';
    for (const [path, wait, rule] of [
      ['releases', 'soon', 'type'],
      ['releases', '301', 'max'],
      ['promotions', '-1', 'min'],
      ['promotions', '1.5', 'type'],
    ] as const) {
      const answer = await api.call<{
        code: string;
        errors: Array<{ field: string; rule: string }>;
      }>('GET', `/api/v1/${path}/${some}?wait=${wait}`, { token: reader });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.code).toBe('INVALID_INPUT');
      expect(answer.body.errors).toEqual([expect.objectContaining({ field: 'wait', rule })]);
    }
    // An unknown id is a 404 at once, whatever the wait.
    const unknown = await api.call('GET', `/api/v1/releases/${some}?wait=300`, { token: reader });
    expect(unknown.status).toBe(404);
  });

  it('refuses a release whole when one item is not ready, naming it, and writes nothing', async () => {
    const ready = await built('shop/cart');
    const untested = await built('shop/checkout', buildImage(), false);
    const before = await Promise.all(['releases', 'promotions', 'audit_events'].map(count));
    const refused = await release<Problem>({
      items: [
        { repository: 'shop/cart', digest: ready, tags: ['1.0.0'] },
        { repository: 'shop/checkout', digest: untested, tags: ['1.0.0'] },
      ],
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('RELEASE_NOT_READY');
    expect(refused.body.items).toEqual([
      expect.objectContaining({
        index: 1,
        repository: 'shop/checkout',
        code: 'POLICY_UNMET',
        missing: ['unit-tests'],
      }),
    ]);
    expect(refused.body.detail).toContain('items[1] shop/checkout');
    expect(await Promise.all(['releases', 'promotions', 'audit_events'].map(count))).toEqual(
      before,
    );
    expect(await tagAt(aPusher, 'shop/cart', '1.0.0')).toBeUndefined();

    const bad = await release<Problem>({ items: [{ repository: 'shop/cart', tags: ['1.0.0'] }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      expect.objectContaining({ field: 'items[0].digest', rule: 'exactlyOneOf' }),
    ]);
  });

  it('two items claiming one tag: the release is refused naming the item whose claim failed, and writes nothing', async () => {
    const other = await built('shop/dup-other');
    const first = await built('shop/dup');
    const second = await built('shop/dup');
    const before = await Promise.all(['releases', 'promotions', 'audit_events'].map(count));

    // Every item's statements go out together; the answer still names the item whose claim
    // failed (the second claim of shop/dup:3.0.0), and the transaction stores none of them.
    const refused = await release<Problem>({
      items: [
        { repository: 'shop/dup-other', digest: other, tags: ['3.0.0'] },
        { repository: 'shop/dup', digest: first, tags: ['3.0.0'] },
        { repository: 'shop/dup', digest: second, tags: ['3.0.0'] },
      ],
    });

    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('TAG_CONFLICT');
    expect(refused.body.detail).toMatch(/^items\[2\]: /);
    expect(await Promise.all(['releases', 'promotions', 'audit_events'].map(count))).toEqual(
      before,
    );
  });

  it('copies items sharing a base, streaming the shared blob once per registry, then tags them all', async () => {
    const base = createLayer({ size: 600_000 }, MediaTypes.ociLayerGzip);
    const names = ['svc/a', 'svc/b', 'svc/c'];
    const digests: string[] = [];
    for (const [i, name] of names.entries())
      digests.push(
        await built(name, buildImage({ baseLayers: [base], layers: [{ size: 9_000 + i }] })),
      );
    const items = names.map((repository, i) => ({
      repository,
      digest: digests[i],
      tags: ['2.0.0'],
    }));

    const dry = await release<{ dryRun: true; ready: boolean; items: unknown[] }>({
      items,
      dryRun: true,
    });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, ready: true });
    expect(dry.body.items).toHaveLength(3);

    proxyB.clearRequests();
    const accepted = await release({ name: 'svc 2.0.0', items }, 'release-svc-2.0.0');
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('location')).toBe(`/api/v1/releases/${accepted.body.id}`);
    const replay = await release({ name: 'svc 2.0.0', items }, 'release-svc-2.0.0');
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    expect(replay.body.id).toBe(accepted.body.id);

    // One call follows it to the end: ?wait answers once the release is no longer active.
    const waited = await api.call<Release>('GET', `/api/v1/releases/${accepted.body.id}?wait=120`, {
      token: reader,
    });
    expect(waited.status).toBe(200);
    const done = waited.body;
    expect(done.status).toBe('succeeded');
    expect(done.staged).toEqual({ done: 6, total: 6 });
    expect(done.items.map((i) => [i.status, i.releaseId])).toEqual(
      names.map(() => ['succeeded', done.id]),
    );
    expect(done.tagsLanded).toHaveLength(6);
    for (const [i, name] of names.entries()) {
      expect(await tagAt(aPusher, name, '2.0.0')).toBe(digests[i]);
      expect(await tagAt(bPusher, name, '2.0.0')).toBe(digests[i]);
    }
    // The shared base went into prod-b once: uploaded for one service, mounted or shared for the others.
    const uploads = proxyB.requests.filter(
      (r) =>
        (r.method === 'PUT' || r.method === 'POST') &&
        r.path.includes(`digest=${encodeURIComponent(base.descriptor.digest)}`) &&
        r.status === 201,
    );
    expect(uploads).toHaveLength(1);
    const events = await pg.query(
      `SELECT action FROM audit_events WHERE subject_id = $1 ORDER BY id`,
      [done.id],
    );
    expect(events.rows.map((r: { action: string }) => r.action)).toEqual([
      'release.requested',
      'release.succeeded',
    ]);
  });

  it("carries each item's signature into every target registry at the commit, before the item's tag", async () => {
    const { digest: signed, signature } = await signedBuilt('sig/app', 4_000);
    // An item without tags: its signature travels all the same.
    const { digest: plain, signature: toolSignature } = await signedBuilt('sig/tool', 4_001);
    proxyB.clearRequests();
    const accepted = await release({
      items: [
        { repository: 'sig/app', digest: signed, tags: ['1.0.0'] },
        { repository: 'sig/tool', digest: plain },
      ],
    });
    expect(accepted.status).toBe(202);
    const done = await settled(accepted.body.id);
    expect(done.status).toBe('succeeded');
    for (const pusher of [aPusher, bPusher]) {
      expect(await tagAt(pusher, 'sig/app', '1.0.0')).toBe(signed);
      const listed = await pusher.getManifest('sig/app', referrersFallbackTag(signed));
      const referrers = JSON.parse(listed!.bytes.toString()) as {
        manifests: Array<{ digest: string }>;
      };
      expect(referrers.manifests.map((m) => m.digest)).toContain(signature.digest);
      const toolListed = await pusher.getManifest('sig/tool', referrersFallbackTag(plain));
      expect(toolListed!.bytes.toString()).toContain(toolSignature.digest);
    }
    // In prod-b, the signature and its listing were written before the tag named the image.
    const puts = proxyB.requests
      .filter(
        (r) => r.method === 'PUT' && r.status === 201 && r.path.includes('/sig/app/manifests/'),
      )
      .map((r) => r.path.replace(/.*\/manifests\//, ''));
    expect(puts).toContain(signature.digest);
    expect(puts.indexOf('1.0.0')).toBeGreaterThan(puts.indexOf(signature.digest));
    expect(puts.indexOf('1.0.0')).toBeGreaterThan(puts.indexOf(referrersFallbackTag(signed)));
  });

  it('writes no tag of any item when one item fails, and a retry lands the whole release', async () => {
    const left = await built('pay/api');
    const right = await built('pay/worker');
    // prod-b refuses pay/worker's manifest: a permanent failure of that item.
    proxyB.addRule({
      method: 'PUT',
      path: /\/v2\/pay\/worker\/manifests\//,
      status: 400,
      times: Infinity,
    });
    const accepted = await release({
      items: [
        { repository: 'pay/api', digest: left, tags: ['3.0.0'] },
        { repository: 'pay/worker', digest: right, tags: ['3.0.0'] },
      ],
    });
    expect(accepted.status).toBe(202);
    const failed = await settled(accepted.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toContain('pay/worker failed');
    expect(failed.items.map((i) => i.status)).toEqual(['cancelled', 'failed']);
    expect(failed.tagsLanded).toEqual([]);
    for (const pusher of [aPusher, bPusher])
      for (const repository of ['pay/api', 'pay/worker'])
        expect(await tagAt(pusher, repository, '3.0.0')).toBeUndefined();
    const item = await api.call('POST', `/api/v1/promotions/${failed.items[0]!.id}/retry`, {
      token: ci,
    });
    expect(item.status).toBe(409);

    proxyB.clearRules();
    const retried = await api.call<Release>('POST', `/api/v1/releases/${failed.id}/retry`, {
      token: ci,
    });
    expect(retried.status).toBe(202);
    const landed = await settled(failed.id);
    expect(landed.status).toBe('succeeded');
    expect(landed.run).toBe(2);
    for (const pusher of [aPusher, bPusher]) {
      expect(await tagAt(pusher, 'pay/api', '3.0.0')).toBe(left);
      expect(await tagAt(pusher, 'pay/worker', '3.0.0')).toBe(right);
    }
  });

  it('a tag taken in Prod while the release copied refuses the commit before any tag of any item is written', async () => {
    const names = ['hold/a', 'hold/b', 'hold/c'];
    const digests: string[] = [];
    for (const name of names) digests.push(await built(name));
    // hold/c's copy into prod-b is slow, so the release is still copying when someone else tags
    // hold/c:6.0.0 in prod-a with another image.
    slowUploadsInB('hold/c', 1500);
    const accepted = await release({
      items: names.map((repository, i) => ({ repository, digest: digests[i], tags: ['6.0.0'] })),
    });
    expect(accepted.status).toBe(202);
    const intruder = await aPusher.push('hold/c', buildImage(), ['6.0.0']);
    const failed = await settled(accepted.body.id);
    proxyB.clearRules();
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('TAG_CONFLICT');
    // It says no tag landed, and that a retry meets the same tag until it is moved.
    expect(failed.error?.message).toMatch(/No tag of any item landed; a retry is refused/);
    expect(failed.tagsLanded).toEqual([]);
    for (const pusher of [aPusher, bPusher])
      for (const repository of ['hold/a', 'hold/b'])
        expect(await tagAt(pusher, repository, '6.0.0')).toBeUndefined();
    expect(await tagAt(aPusher, 'hold/c', '6.0.0')).toBe(intruder.digest);
    expect(await tagAt(bPusher, 'hold/c', '6.0.0')).toBeUndefined();
  });

  it('retries tag writes that fail at the commit until every tag landed', async () => {
    const digest = await built('ops/agent');
    const other = await built('ops/proxy');
    const rule = proxyB.addRule({
      method: 'PUT',
      path: /\/manifests\/4\.0\.0$/,
      status: 503,
      times: 2,
    });
    const accepted = await release({
      items: [
        { repository: 'ops/agent', digest, tags: ['4.0.0'] },
        { repository: 'ops/proxy', digest: other, tags: ['4.0.0'] },
      ],
    });
    const done = await settled(accepted.body.id);
    expect(done.status).toBe('succeeded');
    expect(rule.applied).toBe(2);
    expect(done.tagsLanded).toHaveLength(4);
    expect(await tagAt(bPusher, 'ops/agent', '4.0.0')).toBe(digest);
    expect(await tagAt(bPusher, 'ops/proxy', '4.0.0')).toBe(other);
  });

  it('cancels a running release: its items are cancelled and nothing is tagged', async () => {
    const digest = await built('slow/app', buildImage({ layers: [{ size: 200_000 }] }));
    slowUploadsInB('slow/app', 4000);
    const accepted = await release({
      items: [{ repository: 'slow/app', digest, tags: ['5.0.0'] }],
    });
    const cancelled = await api.call<Release>(
      'POST',
      `/api/v1/releases/${accepted.body.id}/cancel`,
      {
        token: ci,
      },
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const settledRelease = await settled(accepted.body.id);
    expect(settledRelease.items.map((i) => i.status)).toEqual(['cancelled']);
    const again = await api.call<Problem>('POST', `/api/v1/releases/${accepted.body.id}/cancel`, {
      token: ci,
    });
    expect(again.status).toBe(409);
    proxyB.clearRules();
    expect(await tagAt(aPusher, 'slow/app', '5.0.0')).toBeUndefined();
    expect(await tagAt(bPusher, 'slow/app', '5.0.0')).toBeUndefined();
  });
});
