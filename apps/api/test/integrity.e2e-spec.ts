import { generateToken } from '@airlock/auth';
import {
  AirlockProcess,
  buildImage,
  buildIndex,
  buildSignature,
  ImagePusher,
  MediaTypes,
  referrersFallbackTag,
  RegistryFixture,
  waitFor,
  type TestDatabase,
  type TestImage,
  type TestRedis,
} from '@airlock/testing';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';
import { Receiver } from './support/webhook-receiver';

interface Run {
  id: string;
  error: { code: string; message: string } | null;
  registry: string;
  status: string;
  trigger: string;
  scheduledFor: string | null;
  findings: number;
  newFindings: number;
  resolvedFindings: number;
  partial: boolean;
}
interface Finding {
  id: string;
  kind: string;
  repository: string;
  tag: string | null;
  digest: string | null;
  artifactType: string | null;
  platform: string | null;
  platformDigest: string | null;
  expectedDigest: string | null;
  actualDigest: string | null;
  status: string;
  firstSeenRunId: string;
  lastSeenRunId: string;
  acknowledged: { byName: string; comment: string } | null;
}

const SIG = MediaTypes.cosignSignature;
const REPO = 'team/app';
const SECRET_KEY = 'e'.repeat(64);

/**
 * The Prod integrity audit against real registries: images promoted into Prod by real API and
 * worker processes, then Prod changed behind Airlock's back (a pushed tag, an overwritten tag, a
 * deleted manifest, a deleted signature), each found by one run, announced once, acknowledged.
 */
describe('the Prod integrity audit', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let worker: AirlockProcess | undefined;
  let ci: RegistryFixture;
  let prod: RegistryFixture;
  let ciPusher: ImagePusher;
  let prodPusher: ImagePusher;
  let receiver: Receiver;
  let ciToken: string;
  let approverToken: string;
  let webhookId: string;
  const images: TestImage[] = [];

  const env = () => ({
    AIRLOCK_DATABASE_URL: db.url,
    AIRLOCK_REDIS_URL: redis.url,
    AIRLOCK_REDIS_PREFIX: redis.prefix,
    AIRLOCK_SECRET_KEY: SECRET_KEY,
  });
  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    api.call<T>(method, path, { token: adminToken, body });

  beforeAll(async () => {
    [ci, prod] = await Promise.all([
      RegistryFixture.start({ name: 'integrity-ci' }),
      RegistryFixture.start({ name: 'integrity-prod' }),
    ]);
    ciPusher = new ImagePusher(ci);
    prodPusher = new ImagePusher(prod);
    receiver = await Receiver.start();
    ({ db, redis, api } = await startTestApi('integrity', adminToken, {
      AIRLOCK_SECRET_KEY: SECRET_KEY,
    }));
    // No tick during the checks below: runs are queued by hand.
    worker = AirlockProcess.start('worker', {
      ...env(),
      AIRLOCK_INTEGRITY_INTERVAL_MS: String(7 * 24 * 3600000),
    });
    await worker.waitForLog(/worker consuming queues: .*integrity/);
    for (const [name, url, role] of [
      ['ci-pool', ci.url, 'ci'],
      ['prod-eu', prod.url, 'prod'],
    ])
      expect((await admin('POST', '/api/v1/registries', { name, url, role })).status).toBe(201);
    for (const [name, registry] of [
      ['ci', 'ci-pool'],
      ['prod', 'prod-eu'],
    ])
      expect((await admin('POST', '/api/v1/stages', { name, registries: [registry] })).status).toBe(
        201,
      );
    const policy = { allowedSourceStages: ['ci'], requiredReferrers: [SIG] };
    expect((await admin('PUT', '/api/v1/stages/prod/policy', policy)).status).toBe(200);
    const token = async (name: string, role: string) =>
      (await admin<{ token: string }>('POST', '/api/v1/tokens', { name, role })).body.token;
    ciToken = await token('jenkins', 'ci');
    approverToken = await token('alice', 'approver');
    const hook = await admin<{ id: string }>('POST', '/api/v1/webhooks', {
      url: `${receiver.base}/integrity`,
      events: ['integrity.violation'],
    });
    expect(hook.status).toBe(201);
    webhookId = hook.body.id;
  });

  afterAll(async () => {
    await worker?.stop();
    ciPusher?.close();
    prodPusher?.close();
    await receiver?.stop();
    await Promise.all([ci?.stop(), prod?.stop()]);
    await stopTestApi({ api, redis, db });
  });

  const logs = () => `\n--- worker logs ---\n${worker?.logs ?? ''}`;

  /** Builds, signs and promotes an image into Prod under `tag`; waits for it to land. */
  const promote = async (
    tag: string,
    image = buildImage({ layers: [{ size: 512 + images.length }] }),
  ): Promise<TestImage> => {
    await ciPusher.push(REPO, image, ['build']);
    for (const signed of [image, ...image.children])
      await ciPusher.pushReferrer(REPO, buildSignature(signed));
    const accepted = await api.call<{ id: string }>('POST', '/api/v1/promotions', {
      token: ciToken,
      body: { repository: REPO, digest: image.digest, source: 'ci', target: 'prod', tags: [tag] },
    });
    expect(accepted.status).toBe(202);
    await waitFor(
      `promotion of ${tag}`,
      async () => {
        const shown = await api.call<{ status: string }>(
          'GET',
          `/api/v1/promotions/${accepted.body.id}`,
          {
            token: ciToken,
          },
        );
        if (shown.body.status === 'failed') throw new Error(`promotion failed${logs()}`);
        return shown.body.status === 'succeeded' ? true : undefined;
      },
      45000,
    );
    images.push(image);
    return image;
  };

  /** Queues a run of prod-eu by hand and waits until it has finished. */
  const auditNow = async (): Promise<Run> => {
    const queued = await admin<{ items: Run[] }>('POST', '/api/v1/integrity/runs', {
      registry: 'prod-eu',
    });
    expect(queued.status).toBe(202);
    expect(queued.body.items).toHaveLength(1);
    const id = queued.body.items[0]!.id;
    return waitFor(
      `integrity run ${id}`,
      async () => {
        const page = await admin<{ items: Run[] }>(
          'GET',
          '/api/v1/integrity/runs?registry=prod-eu&limit=100',
        );
        const run = page.body.items.find((r) => r.id === id);
        return run && ['succeeded', 'failed'].includes(run.status) ? run : undefined;
      },
      45000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}${logs()}`);
    });
  };

  const violations = async () => {
    const page = await admin<{ items: Array<{ eventType: string }> }>(
      'GET',
      `/api/v1/webhooks/${webhookId}/deliveries?limit=100`,
    );
    return page.body.items.filter((d) => d.eventType === 'integrity.violation').length;
  };

  const deleteManifest = async (reference: string) => {
    const head = await prodPusher.transport.request({
      method: 'HEAD',
      path: `/v2/${REPO}/manifests/${reference}`,
      headers: { accept: `${MediaTypes.ociManifest}, ${MediaTypes.ociIndex}` },
    });
    const digest = head.headers['docker-content-digest'] as string;
    const deleted = await prodPusher.transport.request({
      method: 'DELETE',
      path: `/v2/${REPO}/manifests/${digest}`,
    });
    expect(deleted.status).toBe(202);
  };

  it('finds nothing in a Prod that holds what Airlock promoted', async () => {
    await promote('1.0.0');
    await promote('2.0.0');
    await promote('3.0.0');
    const run = await auditNow();
    expect(run).toMatchObject({ status: 'succeeded', partial: false, findings: 0, newFindings: 0 });
    const overview = await api.call<{ runs: Run[]; findings: Finding[] }>(
      'GET',
      '/api/v1/integrity',
      {
        token: ciToken,
      },
    );
    expect(overview.status).toBe(200);
    expect(overview.body.runs.map((r) => r.id)).toEqual([run.id]);
    expect(overview.body.findings).toEqual([]);
  });

  it('finds a pushed tag, an overwritten tag, a deleted manifest and a deleted signature in one run, and announces each once', async () => {
    const [first, second, third] = images as [TestImage, TestImage, TestImage];
    const outsider = buildImage({ layers: [{ size: 300 }] });
    const overwrite = buildImage({ layers: [{ size: 301 }] });
    await prodPusher.push(REPO, outsider, ['hotfix']);
    await prodPusher.push(REPO, overwrite, ['1.0.0']);
    await deleteManifest(second.digest);
    await deleteManifest(referrersFallbackTag(third.digest));

    const run = await auditNow();
    expect(run).toMatchObject({ status: 'succeeded', partial: false, findings: 4, newFindings: 4 });
    const overview = await admin<{ findings: Finding[] }>(
      'GET',
      '/api/v1/integrity?registry=prod-eu',
    );
    const found = overview.body.findings
      .map((f) => ({
        kind: f.kind,
        tag: f.tag,
        digest: f.digest,
        artifactType: f.artifactType,
        expectedDigest: f.expectedDigest,
        actualDigest: f.actualDigest,
        status: f.status,
        firstSeenRunId: f.firstSeenRunId,
      }))
      .sort((a, b) => a.kind.localeCompare(b.kind));
    const seen = { status: 'open', firstSeenRunId: run.id };
    expect(found).toEqual([
      {
        kind: 'missing-digest',
        tag: null,
        digest: second.digest,
        artifactType: null,
        expectedDigest: second.digest,
        actualDigest: null,
        ...seen,
      },
      {
        kind: 'missing-referrer',
        tag: null,
        digest: third.digest,
        artifactType: SIG,
        expectedDigest: third.digest,
        actualDigest: null,
        ...seen,
      },
      {
        kind: 'moved-tag',
        tag: '1.0.0',
        digest: null,
        artifactType: null,
        expectedDigest: first.digest,
        actualDigest: overwrite.digest,
        ...seen,
      },
      {
        kind: 'unexpected-tag',
        tag: 'hotfix',
        digest: null,
        artifactType: null,
        expectedDigest: null,
        actualDigest: outsider.digest,
        ...seen,
      },
    ]);
    const onlyMoved = await admin<{ findings: Finding[] }>(
      'GET',
      '/api/v1/integrity?kind=moved-tag&repository=team/app',
    );
    expect(onlyMoved.body.findings.map((f) => f.tag)).toEqual(['1.0.0']);
    expect(await violations()).toBe(4);
    const delivered = await receiver.waitFor(
      '/integrity',
      4,
      (e) => e.type === 'integrity.violation',
    );
    expect(
      new Set(
        delivered.map(
          (d) => (JSON.parse(d.body) as { data: { finding: Finding } }).data.finding.kind,
        ),
      ),
    ).toEqual(new Set(['unexpected-tag', 'moved-tag', 'missing-digest', 'missing-referrer']));

    const again = await auditNow();
    expect(again).toMatchObject({
      status: 'succeeded',
      findings: 4,
      newFindings: 0,
      resolvedFindings: 0,
    });
    expect(await violations()).toBe(4);
    const still = await admin<{ findings: Finding[] }>('GET', '/api/v1/integrity');
    expect(still.body.findings).toHaveLength(4);
    expect(
      still.body.findings.every((f) => f.firstSeenRunId === run.id && f.lastSeenRunId === again.id),
    ).toBe(true);
  });

  it('acknowledges a finding (approver, audited), keeps it acknowledged, and resolves one no longer seen', async () => {
    const open = await admin<{ findings: Finding[] }>(
      'GET',
      '/api/v1/integrity?kind=unexpected-tag',
    );
    const hotfix = open.body.findings[0]!;
    const byCi = await api.call('POST', `/api/v1/integrity/findings/${hotfix.id}/acknowledge`, {
      token: ciToken,
      body: { comment: 'no' },
    });
    expect(byCi.status).toBe(403);
    const bad = await api.call<{ errors: Array<{ field: string; rule: string }> }>(
      'POST',
      `/api/v1/integrity/findings/${hotfix.id}/acknowledge`,
      { token: approverToken, body: { comment: 5 } },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'comment', rule: 'type' })]);
    const acknowledged = await api.call<Finding>(
      'POST',
      `/api/v1/integrity/findings/${hotfix.id}/acknowledge`,
      {
        token: approverToken,
        body: { comment: 'hotfix by on-call, INC-7' },
      },
    );
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({
      status: 'acknowledged',
      acknowledged: { byName: 'alice', comment: 'hotfix by on-call, INC-7' },
    });
    const audit = await admin<{
      items: Array<{ action: string; subjectId: string; actorName: string }>;
    }>('GET', '/api/v1/audit?action=integrity.finding_acknowledged');
    expect(audit.body.items.map((e) => [e.subjectId, e.actorName])).toEqual([[hotfix.id, 'alice']]);

    // The overwritten tag is put back where Airlock left it: that finding resolves.
    await prodPusher.push(REPO, images[0]!, ['1.0.0']);
    const run = await auditNow();
    expect(run).toMatchObject({ findings: 3, newFindings: 0, resolvedFindings: 1 });
    const acked = await admin<{ findings: Finding[] }>(
      'GET',
      '/api/v1/integrity?status=acknowledged',
    );
    expect(acked.body.findings.map((f) => f.id)).toEqual([hotfix.id]);
    const resolved = await admin<{ findings: Finding[] }>(
      'GET',
      '/api/v1/integrity?status=resolved',
    );
    expect(resolved.body.findings.map((f) => f.kind)).toEqual(['moved-tag']);
    expect(await violations()).toBe(4);
  });

  it('names the platform manifest of a promoted index whose required signature is gone, and nothing for its fallback tags', async () => {
    const policy = {
      allowedSourceStages: ['ci'],
      requiredReferrers: [SIG],
      requiredPlatformReferrers: [SIG],
    };
    expect((await admin('PUT', '/api/v1/stages/prod/policy', policy)).status).toBe(200);
    const before = await auditNow();
    const index = buildIndex({ layers: [{ size: 700 }] }); // amd64, arm64, arm/v7
    images.push(await promote('4.0.0', index));
    // Prod holds a `sha256-<hex>` fallback tag per platform manifest: each is Airlock's, none a finding.
    const clean = await auditNow();
    expect(clean).toMatchObject({ status: 'succeeded', partial: false, newFindings: 0 });
    expect(clean.findings).toBe(before.findings);

    const arm64 = index.children[1]!;
    await deleteManifest(referrersFallbackTag(arm64.digest));
    const run = await auditNow();
    expect(run).toMatchObject({ status: 'succeeded', newFindings: 1 });
    const found = await admin<{ findings: Finding[] }>(
      'GET',
      '/api/v1/integrity?kind=missing-referrer',
    );
    const platformFinding = found.body.findings.filter((f) => f.digest === index.digest);
    expect(platformFinding).toEqual([
      expect.objectContaining({
        kind: 'missing-referrer',
        repository: REPO,
        digest: index.digest,
        artifactType: SIG,
        platform: 'linux/arm64',
        platformDigest: arm64.digest,
        firstSeenRunId: run.id,
        status: 'open',
      }),
    ]);
    const delivered = await receiver.waitFor(
      '/integrity',
      5,
      (e) => e.type === 'integrity.violation',
    );
    expect(
      delivered
        .map((d) => (JSON.parse(d.body) as { data: { finding: Finding } }).data.finding)
        .filter((f) => f.platformDigest === arm64.digest),
    ).toHaveLength(1);
  });

  it('answers 400 naming the field for bad input', async () => {
    const badKind = await admin<{ errors: Array<{ field: string; rule: string }> }>(
      'GET',
      '/api/v1/integrity?kind=odd',
    );
    expect(badKind.status).toBe(400);
    expect(badKind.body.errors).toEqual([
      expect.objectContaining({ field: 'kind', rule: 'oneOf' }),
    ]);
    const notProd = await admin<{ errors: Array<{ field: string; rule: string }> }>(
      'POST',
      '/api/v1/integrity/runs',
      {
        registry: 'ci-pool',
      },
    );
    expect(notProd.status).toBe(400);
    expect(notProd.body.errors).toEqual([
      expect.objectContaining({ field: 'registry', rule: 'role' }),
    ]);
    const badId = await api.call<{ errors: Array<{ field: string }> }>(
      'POST',
      '/api/v1/integrity/findings/nope/acknowledge',
      {
        token: approverToken,
        body: { comment: 'x' },
      },
    );
    expect(badId.status).toBe(400);
    expect(badId.body.errors[0]!.field).toBe('id');
  });

  it('queues again a run whose job Redis lost, and fails the runs a lost worker left running', async () => {
    await worker?.stop();
    worker = undefined;
    const queued = await admin<{ items: Run[] }>('POST', '/api/v1/integrity/runs', {
      registry: 'prod-eu',
    });
    expect(queued.status).toBe(202);
    const requeuedId = queued.body.items[0]!.id;
    // Redis restarts without persistence: the integrity queue's job and schedules are gone.
    const client = new IORedis(redis.url);
    const keys = await client.keys(`${redis.prefix}:integrity:*`);
    expect(keys.length).toBeGreaterThan(0);
    await client.del(...keys);
    client.disconnect();
    // A worker killed mid-audit leaves its runs `running`: one queued by hand, one of a tick.
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    const orphans: string[] = [];
    try {
      for (const [trigger, tick] of [
        ['manual', null],
        ['schedule', new Date(Date.now() - 3600_000)],
      ] as const) {
        const inserted = await pg.query<{ id: string }>(
          `INSERT INTO integrity_runs (registry_id, status, trigger, scheduled_for, started_at)
           SELECT id, 'running', $1, $2, now() FROM registries WHERE name = 'prod-eu'
           RETURNING id`,
          [trigger, tick],
        );
        orphans.push(inserted.rows[0]!.id);
      }
    } finally {
      await pg.end();
    }

    // A pass finding the registry's lock taken (a tick's audit) leaves the lost runs to the next.
    worker = AirlockProcess.start('worker', {
      ...env(),
      AIRLOCK_INTEGRITY_INTERVAL_MS: String(7 * 24 * 3600000),
      AIRLOCK_RECONCILE_INTERVAL_MS: '1000',
    });
    const ended = await waitFor(
      'the lost runs to end',
      async () => {
        const page = await admin<{ items: Run[] }>('GET', '/api/v1/integrity/runs?limit=100');
        const runs = [requeuedId, ...orphans].map((id) => page.body.items.find((r) => r.id === id));
        return runs.every((r) => r && ['succeeded', 'failed'].includes(r.status))
          ? (runs as Run[])
          : undefined;
      },
      45000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}${logs()}`);
    });
    expect(ended[0]).toMatchObject({ status: 'succeeded', error: null, partial: false });
    for (const orphan of ended.slice(1))
      expect(orphan).toMatchObject({
        status: 'failed',
        partial: true,
        error: { code: 'WORKER_LOST', message: expect.stringContaining('stopped') },
      });
  });

  it('makes one run per tick however many workers run', async () => {
    await worker?.stop();
    worker = undefined;
    // Runs of these workers only (not the lost run the test before left failed).
    const earlier = new Set(
      (await admin<{ items: Run[] }>('GET', '/api/v1/integrity/runs?limit=100')).body.items.map(
        (r) => r.id,
      ),
    );
    const ours = (r: Run) => r.trigger === 'schedule' && !earlier.has(r.id);
    const workers = [0, 1, 2].map(() =>
      AirlockProcess.start('worker', { ...env(), AIRLOCK_INTEGRITY_INTERVAL_MS: '1500' }),
    );
    try {
      await Promise.all(workers.map((w) => w.waitForLog(/worker consuming queues: .*integrity/)));
      const ticks = await waitFor(
        'four scheduled runs',
        async () => {
          const page = await admin<{ items: Run[] }>('GET', '/api/v1/integrity/runs?limit=100');
          const scheduled = page.body.items.filter((r) => ours(r) && r.status !== 'running');
          return scheduled.length >= 4 ? scheduled : undefined;
        },
        45000,
      );
      expect(ticks.every((r) => r.status === 'succeeded' && r.newFindings === 0)).toBe(true);
      await Promise.all(workers.map((w) => w.stop()));
      // Every audit a worker ran is one run of its own tick: no tick was audited twice.
      const page = await admin<{ items: Run[] }>('GET', '/api/v1/integrity/runs?limit=100');
      const scheduled = page.body.items.filter(ours);
      const audited = workers
        .map((w) => w.logs.match(/registry \\?"prod-eu\\?" audited/g)?.length ?? 0)
        .reduce((a, b) => a + b, 0);
      expect(new Set(scheduled.map((r) => r.scheduledFor)).size).toBe(scheduled.length);
      expect(audited).toBe(scheduled.filter((r) => r.status === 'succeeded').length);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });
});
