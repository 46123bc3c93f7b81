import { generateToken } from '@airlock/auth';
import { verifySignature } from '@airlock/events';
import {
  AirlockProcess,
  buildImage,
  buildSignature,
  FaultProxy,
  ImagePusher,
  referrersFallbackTag,
  RegistryFixture,
  Skopeo,
  waitFor,
  type TestDatabase,
  type TestImage,
  type TestRedis,
} from '@airlock/testing';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';
import { Receiver, type Envelope } from './support/webhook-receiver';

interface Run {
  id: string;
  status: string;
  trigger: string;
  scheduledFor: string | null;
  tagsChecked: number;
  tagsFailed: number;
  newDigests: number;
  bytesCopied: number;
  durationMs: number;
  errors: Array<{ tag?: string; code: string; message: string }>;
  tags: Array<{
    tag: string;
    outcome: string;
    digest?: string;
    previousDigest?: string | null;
    historyTag?: string;
  }>;
}
interface Archived {
  tag: string;
  digest: string;
  historyTag: string | null;
  current: boolean;
  firstSeenAt: string;
  lastSeenAt: string;
}
interface DriftReport {
  items: Array<{
    base: { name: string; digest: string; registry: string };
    dependents: Array<{
      digest: string;
      repository: string;
      stages: string[];
      build: Record<string, string>;
    }>;
  }>;
  untracked: Array<{ name: string; images: number }>;
}

const SECRET = 'mirror-e2e-webhook-secret-0123456789';
const BASE_NAME = 'org.opencontainers.image.base.name';
const BASE_DIGEST = 'org.opencontainers.image.base.digest';

/**
 * Mirroring as operators and CI see it: a real upstream registry (behind a fault proxy that can
 * answer 429 or fail), a real Archive, real API and worker processes, and skopeo as the
 * independent client that pulls from the Archive.
 */
describe('mirroring upstream images into the Archive', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let pg: Client;
  let upstream: RegistryFixture;
  let archive: RegistryFixture;
  let ciRegistry: RegistryFixture;
  let proxy: FaultProxy;
  let receiver: Receiver;
  const workers: AirlockProcess[] = [];
  let env: Record<string, string>;
  let ci: string;

  const call = <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    token = adminToken,
  ) => api.call<T>(method, path, { token, body });

  let workerMetrics: string;
  const startWorker = async () => {
    const worker = AirlockProcess.start('worker', {
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
      ...(workers.length === 0 ? { AIRLOCK_METRICS_PORT: '0' } : {}),
      ...env,
    });
    workers.push(worker);
    await worker.waitForLog(/worker consuming queues: .*mirror/);
    if (workers.length === 1) {
      const [, url] = (await worker.waitForLog(/worker metrics on (http:\/\/[\d.:]+)\/metrics/))!;
      workerMetrics = `${url}/metrics`;
    }
    return worker;
  };

  /** Sync now and wait for the run it makes (the newest manual run after those already there). */
  const syncNow = async (rule: string): Promise<Run> => {
    const before = (await call<{ items: Run[] }>('GET', `/api/v1/mirror-rules/${rule}/runs`)).body
      .items.length;
    const queued = await call('POST', `/api/v1/mirror-rules/${rule}/sync`);
    expect(queued.status).toBe(202);
    return waitFor(
      `a finished run of ${rule}`,
      async () => {
        const runs = (await call<{ items: Run[] }>('GET', `/api/v1/mirror-rules/${rule}/runs`)).body
          .items;
        return runs.length > before && runs[0]!.status !== 'running' ? runs[0] : undefined;
      },
      30000,
      200,
    );
  };

  const archivedOf = async (rule: string) =>
    (await call<{ items: Archived[] }>('GET', `/api/v1/mirror-rules/${rule}/archive`)).body.items;
  const archiveAccess = { tls: false };

  beforeAll(async () => {
    [upstream, archive, ciRegistry] = await Promise.all([
      RegistryFixture.start({ auth: 'none', name: 'mirror-upstream' }),
      RegistryFixture.start({ auth: 'none', name: 'mirror-archive' }),
      RegistryFixture.start({ auth: 'none', name: 'mirror-ci' }),
    ]);
    proxy = await FaultProxy.start({ target: upstream.url });
    receiver = await Receiver.start();
    env = {
      AIRLOCK_SECRET_KEY: 'f'.repeat(64),
      AIRLOCK_WEBHOOK_BACKOFF_MS: '200',
      AIRLOCK_RECONCILE_INTERVAL_MS: '1000',
      AIRLOCK_UPSTREAM_MAX_WAIT_MS: '10000',
      AIRLOCK_MIRROR_MANUAL_WAIT_MS: '500',
    };
    ({ db, redis, api } = await startTestApi('mirror', adminToken, env));
    await startWorker();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    for (const [name, url, role] of [
      ['hub', proxy.url, 'upstream'],
      ['archive', archive.url, 'archive'],
      ['ci', ciRegistry.url, 'ci'],
    ])
      expect((await call('POST', '/api/v1/registries', { name, url, role })).status).toBe(201);
    expect((await call('POST', '/api/v1/stages', { name: 'ci', registries: ['ci'] })).status).toBe(
      201,
    );
    ci = (await call<{ token: string }>('POST', '/api/v1/tokens', { name: 'jenkins', role: 'ci' }))
      .body.token;
    const hook = await call('POST', '/api/v1/webhooks', {
      url: `${receiver.base}/airlock`,
      events: ['mirror.synced', 'base-image.updated'],
      secret: SECRET,
    });
    expect(hook.status).toBe(201);
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await pg?.end();
    await receiver?.stop();
    await proxy?.stop();
    await Promise.all([upstream?.stop(), archive?.stop(), ciRegistry?.stop()]);
    await stopTestApi({ api, redis, db });
  });

  let v1: TestImage;
  let v2: TestImage;
  let app: TestImage;

  it('archives a moved tag, keeps the old digest pullable, lists the drifted images and tells CI', async () => {
    const pusher = new ImagePusher(upstream);
    v1 = buildImage({ layers: [{ size: 2048 }] });
    await pusher.push('library/base', v1, ['1', 'rc-1']);
    const created = await call('POST', '/api/v1/mirror-rules', {
      name: 'base',
      upstream: { registry: 'hub', repository: 'library/base' },
      tags: { include: '\\d+' },
      archive: { registry: 'archive', repository: 'mirror/library/base' },
      schedule: '0 0 1 1 *',
    });
    expect(created.status).toBe(201);

    const first = await syncNow('base');
    expect(first).toMatchObject({
      status: 'succeeded',
      trigger: 'manual',
      tagsChecked: 1,
      newDigests: 1,
    });
    expect(first.tags).toEqual([
      expect.objectContaining({
        tag: '1',
        outcome: 'archived',
        digest: v1.digest,
        previousDigest: null,
      }),
    ]);
    expect(first.bytesCopied).toBeGreaterThanOrEqual(2048);
    // Only the selected tag, and the bytes are upstream's.
    expect(await Skopeo.inspectDigest(`${archive.host}/mirror/library/base:1`, archiveAccess)).toBe(
      v1.digest,
    );

    // CI builds an app FROM the base (as the archive's upstream name) and registers it.
    const ciPusher = new ImagePusher(ciRegistry);
    app = buildImage({
      layers: [{ size: 512 }],
      annotations: { [BASE_NAME]: `${proxy.host}/library/base:1`, [BASE_DIGEST]: v1.digest },
    });
    await ciPusher.push('team/app', app, ['1.0.0']);
    const registered = await call(
      'POST',
      '/api/v1/images',
      { registry: 'ci', repository: 'team/app', tag: '1.0.0', build: { commit: 'c0ffee' } },
      ci,
    );
    expect(registered.status).toBe(201);
    let drift = (await call<DriftReport>('GET', '/api/v1/drift', undefined, ci)).body;
    expect(drift.items).toEqual([
      expect.objectContaining({
        base: expect.objectContaining({ name: `${proxy.host}/library/base:1`, digest: v1.digest }),
        dependents: [],
      }),
    ]);

    // Upstream moves the tag; the new image comes signed.
    v2 = buildImage({ layers: [{ size: 4096 }] });
    await pusher.push('library/base', v2, ['1']);
    const signed = buildSignature(v2);
    await pusher.pushReferrer('library/base', signed);
    const second = await syncNow('base');
    expect(second).toMatchObject({ status: 'succeeded', newDigests: 1 });
    expect(second.tags[0]).toMatchObject({
      tag: '1',
      outcome: 'archived',
      digest: v2.digest,
      previousDigest: v1.digest,
    });

    // Both digests archived and listed; the old one is still pullable by digest and history tag.
    const archived = await archivedOf('base');
    expect(archived.map((a) => [a.tag, a.digest, a.current])).toEqual([
      ['1', v2.digest, true],
      ['1', v1.digest, false],
    ]);
    expect(new Date(archived[1]!.lastSeenAt).getTime()).toBeLessThan(
      new Date(archived[0]!.firstSeenAt).getTime() + 1,
    );
    expect(await Skopeo.inspectDigest(`${archive.host}/mirror/library/base:1`, archiveAccess)).toBe(
      v2.digest,
    );
    // Its signature came along (the referrers tag schema on distribution 2.8).
    const referrers = JSON.parse(
      (
        await Skopeo.inspectRaw(
          `${archive.host}/mirror/library/base:${referrersFallbackTag(v2.digest)}`,
          archiveAccess,
        )
      ).toString(),
    ) as { manifests: Array<{ digest: string }> };
    expect(referrers.manifests.map((m) => m.digest)).toEqual([signed.digest]);
    const oldRaw = await Skopeo.inspectRaw(
      `${archive.host}/mirror/library/base@${v1.digest}`,
      archiveAccess,
    );
    expect(oldRaw.equals(v1.manifestBytes)).toBe(true);
    expect(
      await Skopeo.inspectDigest(
        `${archive.host}/mirror/library/base:${archived[1]!.historyTag}`,
        archiveAccess,
      ),
    ).toBe(v1.digest);
    // Archived digests are images of Airlock too.
    const images = await call<{ items: Array<{ digest: string }> }>(
      'GET',
      '/api/v1/images?repository=mirror/library/base',
      undefined,
      ci,
    );
    expect(images.body.items.map((i) => i.digest).sort()).toEqual([v1.digest, v2.digest].sort());

    // Drift: the app was built on the old digest.
    drift = (await call<DriftReport>('GET', '/api/v1/drift?stage=ci', undefined, ci)).body;
    expect(drift.items).toHaveLength(1);
    expect(drift.items[0]!.base).toMatchObject({ digest: v2.digest, registry: 'hub' });
    expect(drift.items[0]!.dependents).toEqual([
      expect.objectContaining({
        repository: 'team/app',
        digest: app.digest,
        stages: ['ci'],
        build: { commit: 'c0ffee' },
      }),
    ]);
    const sameBase = await call<DriftReport>(
      'GET',
      `/api/v1/drift?base=${encodeURIComponent(`${proxy.host}/library/base:1`)}`,
      undefined,
      ci,
    );
    expect(sameBase.body.items).toHaveLength(1);

    // The event CI rebuilds from, signed.
    const [updated] = await receiver.waitFor('/airlock', 1, (e) => e.type === 'base-image.updated');
    const signature = verifySignature(
      updated!.headers['airlock-signature'] as string,
      updated!.body,
      SECRET,
    );
    expect(signature.valid).toBe(true);
    const event = JSON.parse(updated!.body) as Envelope;
    expect(event.data).toMatchObject({
      base: {
        name: `${proxy.host}/library/base:1`,
        registry: 'hub',
        digest: v2.digest,
        previousDigest: v1.digest,
      },
      archive: [
        expect.objectContaining({
          registry: 'archive',
          name: `${archive.host}/mirror/library/base:1`,
        }),
      ],
      dependents: [expect.objectContaining({ digest: app.digest, stages: ['ci'] })],
    });
    const synced = await receiver.waitFor('/airlock', 2, (e) => e.type === 'mirror.synced');
    expect(synced.map((s) => (JSON.parse(s.body) as Envelope).data.run)).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: second.id, status: 'succeeded' })]),
    );
  });

  it('waits as upstream asks on a 429 and completes', async () => {
    proxy.clearRequests();
    const limited = proxy.addRule({
      method: 'HEAD',
      path: /\/v2\/library\/base\/manifests\/1$/,
      status: 429,
      headers: { 'Retry-After': '2' },
    });
    const run = await syncNow('base');
    expect(limited.applied).toBe(1);
    expect(run).toMatchObject({ status: 'succeeded', tagsFailed: 0 });
    expect(run.tags[0]).toMatchObject({ tag: '1', outcome: 'unchanged', digest: v2.digest });
    expect(run.durationMs).toBeGreaterThanOrEqual(1900);
  });

  it('copies an archived digest again when it went missing from the Archive', async () => {
    const deleted = await fetch(`${archive.url}/v2/mirror/library/base/manifests/${v2.digest}`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(202);
    await expect(
      Skopeo.inspectDigest(`${archive.host}/mirror/library/base:1`, archiveAccess),
    ).rejects.toThrow();
    const run = await syncNow('base');
    expect(run).toMatchObject({ status: 'succeeded' });
    expect(run.tags[0]).toMatchObject({ tag: '1', outcome: 'archived', digest: v2.digest });
    expect(await Skopeo.inspectDigest(`${archive.host}/mirror/library/base:1`, archiveAccess)).toBe(
      v2.digest,
    );
  });

  it('records a partial run when upstream asks for a longer wait than allowed, changing nothing for that tag', async () => {
    const pusher = new ImagePusher(upstream);
    const v3 = buildImage({ layers: [{ size: 1000 }] });
    await pusher.push('library/base', v3, ['2']);
    await call('PATCH', '/api/v1/mirror-rules/base', { tags: { tags: ['1', '2'] } });
    const tooLong = proxy.addRule({
      method: 'HEAD',
      path: /\/v2\/library\/base\/manifests\/2$/,
      status: 429,
      headers: { 'Retry-After': '3600' },
    });
    const run = await syncNow('base');
    expect(tooLong.applied).toBe(1);
    expect(run.status).toBe('partial');
    expect(run.tags.map((t) => [t.tag, t.outcome])).toEqual([
      ['1', 'unchanged'],
      ['2', 'failed'],
    ]);
    expect(run.errors).toEqual([
      expect.objectContaining({ tag: '2', code: 'REGISTRY_RATE_LIMITED' }),
    ]);
    expect(
      await Skopeo.listTags(`${archive.host}/mirror/library/base`, archiveAccess),
    ).not.toContain('2');
    // The pause is shared through Redis: clear it for the next test, as an hour would pass.
    const client = new IORedis(redis.url);
    for (const key of await client.keys(`${redis.prefix}:airlock:upstream:*`))
      await client.del(key);
    client.disconnect();
  });

  it('records a failed run when upstream is down, and the Archive does not change', async () => {
    const tagsBefore = (
      await Skopeo.listTags(`${archive.host}/mirror/library/base`, archiveAccess)
    ).sort();
    const archivedBefore = await archivedOf('base');
    const pusher = new ImagePusher(upstream);
    await pusher.push('library/base', buildImage({ layers: [{ size: 3000 }] }), ['1']);
    // Down: every connection is dropped without an answer.
    proxy.addRule({ reset: true, times: Infinity });
    const run = await syncNow('base');
    proxy.clearRules();
    expect(run.status).toBe('failed');
    expect(run.tagsFailed).toBe(2);
    expect(run.errors).toEqual([
      expect.objectContaining({ tag: '1', code: 'REGISTRY_UNREACHABLE' }),
      expect.objectContaining({ tag: '2', code: 'REGISTRY_UNREACHABLE' }),
    ]);
    expect(
      (await Skopeo.listTags(`${archive.host}/mirror/library/base`, archiveAccess)).sort(),
    ).toEqual(tagsBefore);
    expect(await Skopeo.inspectDigest(`${archive.host}/mirror/library/base:1`, archiveAccess)).toBe(
      v2.digest,
    );
    expect((await archivedOf('base')).map((a) => a.digest)).toEqual(
      archivedBefore.map((a) => a.digest),
    );
  });

  it('a manual sync that finds the rule busy is tried again by the queue, not failed for good', async () => {
    const rule = (await call<{ id: string }>('GET', '/api/v1/mirror-rules/base')).body;
    // Another sync holds the rule: the same advisory lock, taken from outside.
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [
        `airlock:mirror:${rule.id}`,
      ]);
      const runsBefore = (await call<{ items: Run[] }>('GET', '/api/v1/mirror-rules/base/runs'))
        .body.items.length;
      expect((await call('POST', '/api/v1/mirror-rules/base/sync')).status).toBe(202);
      // The job waited AIRLOCK_MIRROR_MANUAL_WAIT_MS, failed with RESOURCE_BUSY, and is queued again.
      await waitFor(
        'the busy job to be failed once',
        () =>
          Promise.resolve(
            workers.some((w) =>
              /mirror failed \(attempt 1\): .*being synced by another job/.test(w.logs),
            )
              ? true
              : undefined,
          ),
        20000,
        100,
      );
      await holder.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [
        `airlock:mirror:${rule.id}`,
      ]);
      const run = await waitFor(
        'the retried sync to run',
        async () => {
          const runs = (await call<{ items: Run[] }>('GET', '/api/v1/mirror-rules/base/runs')).body
            .items;
          return runs.length > runsBefore && runs[0]!.status !== 'running' ? runs[0] : undefined;
        },
        60000,
        250,
      );
      expect(run).toMatchObject({ trigger: 'manual' });
    } finally {
      await holder.end();
    }
  });

  it('syncs once per scheduler tick with three workers', async () => {
    await startWorker();
    await startWorker();
    const pusher = new ImagePusher(upstream);
    await pusher.push('library/tick', buildImage({ layers: [{ size: 100 }] }), ['1']);
    expect(
      (
        await call('POST', '/api/v1/mirror-rules', {
          name: 'tick',
          upstream: { registry: 'hub', repository: 'library/tick' },
          tags: { tags: ['1'] },
          archive: { registry: 'archive', repository: 'mirror/library/tick' },
          schedule: '*/2 * * * * *',
        })
      ).status,
    ).toBe(201);
    const runs = await waitFor(
      'four scheduled runs',
      async () => {
        const { rows } = await pg.query<{ scheduled_for: Date; status: string }>(
          `SELECT r.scheduled_for, r.status FROM mirror_runs r JOIN mirror_rules m ON m.id = r.rule_id
            WHERE m.name = 'tick' AND r.status <> 'running' ORDER BY r.scheduled_for`,
        );
        return rows.length >= 4 ? rows : undefined;
      },
      30000,
      250,
    );
    await call('PATCH', '/api/v1/mirror-rules/tick', { enabled: false });
    const ticks = runs.map((r) => r.scheduled_for.getTime());
    expect(new Set(ticks).size).toBe(ticks.length);
    for (let i = 1; i < ticks.length; i++) expect((ticks[i]! - ticks[i - 1]!) % 2000).toBe(0);
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
    // No worker was handed a tick another had already synced.
    for (const worker of workers) expect(worker.logs).not.toMatch(/already synced/);
    const { rows } = await pg.query<{ trigger: string; n: number }>(
      `SELECT trigger, count(*)::int AS n FROM mirror_runs r JOIN mirror_rules m ON m.id = r.rule_id
        WHERE m.name = 'tick' GROUP BY trigger`,
    );
    expect(rows).toEqual([{ trigger: 'schedule', n: expect.any(Number) }]);
  });

  it('gets its schedules back when Redis loses them', async () => {
    const count = async () =>
      (
        await pg.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM mirror_runs r JOIN mirror_rules m ON m.id = r.rule_id
            WHERE m.name = 'tick' AND r.status <> 'running'`,
        )
      ).rows[0]!.n;
    await call('PATCH', '/api/v1/mirror-rules/tick', { enabled: true });
    // As after a Redis restart without persistence: the mirror queue, its scheduler included, is gone.
    const client = new IORedis(redis.url);
    const keys = await client.keys(`${redis.prefix}:mirror:*`);
    expect(keys.some((k) => k.includes('repeat'))).toBe(true);
    await client.del(...keys);
    client.disconnect();
    const before = await count();
    await waitFor(
      'scheduled runs after the loss',
      async () => ((await count()) >= before + 2 ? true : undefined),
      30000,
      250,
    );
    await call('PATCH', '/api/v1/mirror-rules/tick', { enabled: false });
    const { rows } = await pg.query<{ n: number; ticks: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT scheduled_for)::int AS ticks
         FROM mirror_runs r JOIN mirror_rules m ON m.id = r.rule_id WHERE m.name = 'tick'`,
    );
    expect(rows[0]!.ticks).toBe(rows[0]!.n);
  });

  it('counts mirror runs by outcome in the worker metrics', async () => {
    const text = await (await fetch(workerMetrics)).text();
    const value = (outcome: string) =>
      Number(
        new RegExp(`^airlock_mirror_runs_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(
          text,
        )?.[1],
      );
    expect(value('succeeded')).toBeGreaterThanOrEqual(3);
    expect(value('partial')).toBeGreaterThanOrEqual(1);
    expect(value('failed')).toBeGreaterThanOrEqual(1);
  });

  it('tells the dependents when a registered base image moves its tag', async () => {
    const ciPusher = new ImagePusher(ciRegistry);
    const register = (repository: string, tag: string) =>
      call('POST', '/api/v1/images', { registry: 'ci', repository, tag }, ci);
    const node1 = buildImage({ layers: [{ size: 700 }] });
    await ciPusher.push('base/node', node1, ['20']);
    expect((await register('base/node', '20')).status).toBe(201);
    const baseName = `${ciRegistry.host}/base/node:20`;
    const service = buildImage({
      layers: [{ size: 300 }],
      annotations: { [BASE_NAME]: baseName, [BASE_DIGEST]: node1.digest },
    });
    await ciPusher.push('team/service', service, ['2.0.0']);
    expect((await register('team/service', '2.0.0')).status).toBe(201);

    const node2 = buildImage({ layers: [{ size: 800 }] });
    await ciPusher.push('base/node', node2, ['20']);
    expect((await register('base/node', '20')).status).toBe(201);
    const [delivered] = await receiver.waitFor(
      '/airlock',
      1,
      (e) => e.type === 'base-image.updated' && (e.data.base as { name: string }).name === baseName,
    );
    expect(
      verifySignature(delivered!.headers['airlock-signature'] as string, delivered!.body, SECRET)
        .valid,
    ).toBe(true);
    expect((JSON.parse(delivered!.body) as Envelope).data).toMatchObject({
      base: {
        registry: 'ci',
        repository: 'base/node',
        tag: '20',
        digest: node2.digest,
        previousDigest: node1.digest,
      },
      archive: [],
      dependents: [
        expect.objectContaining({
          repository: 'team/service',
          digest: service.digest,
          baseDigest: node1.digest,
        }),
      ],
    });
    const drift = await call<DriftReport>(
      'GET',
      `/api/v1/drift?base=${encodeURIComponent(baseName)}`,
      undefined,
      ci,
    );
    expect(drift.body.items).toEqual([
      expect.objectContaining({
        base: expect.objectContaining({ name: baseName, digest: node2.digest }),
        dependents: [expect.objectContaining({ digest: service.digest })],
      }),
    ]);
    // Rebuilt on the new base: no longer drifted.
    const rebuilt = buildImage({
      layers: [{ size: 301 }],
      annotations: { [BASE_NAME]: `${ciRegistry.host}/base/node:20`, [BASE_DIGEST]: node2.digest },
    });
    await ciPusher.push('team/service', rebuilt, ['2.0.1']);
    expect((await register('team/service', '2.0.1')).status).toBe(201);
    const after = await call<DriftReport>(
      'GET',
      `/api/v1/drift?base=${encodeURIComponent(baseName)}`,
      undefined,
      ci,
    );
    expect(after.body.items[0]!.dependents.map((d) => d.digest)).toEqual([service.digest]);
  });

  it('refuses bad rules with the field and the rule', async () => {
    const bad = await call<{ code: string; errors: Array<{ field: string; rule: string }> }>(
      'POST',
      '/api/v1/mirror-rules',
      {
        name: 'bad',
        upstream: { registry: 'hub', repository: 'library/base' },
        tags: { include: '(', semver: 'nope' },
        archive: { registry: 'ci', repository: 'mirror/x' },
        schedule: '61 * * * *',
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => `${e.field}:${e.rule}`).sort()).toEqual([
      'schedule:cron',
      'tags.include:regex',
      'tags.semver:semverRange',
    ]);
    const wrongRole = await call<{ errors: Array<{ field: string; rule: string }> }>(
      'POST',
      '/api/v1/mirror-rules',
      {
        name: 'bad',
        upstream: { registry: 'hub', repository: 'library/base' },
        tags: { tags: ['1'] },
        archive: { registry: 'ci', repository: 'mirror/x' },
        schedule: '0 3 * * *',
      },
    );
    expect(wrongRole.status).toBe(400);
    expect(wrongRole.body.errors).toEqual([
      expect.objectContaining({ field: 'archive.registry', rule: 'role' }),
    ]);
    const duplicate = await call('POST', '/api/v1/mirror-rules', {
      name: 'base2',
      upstream: { registry: 'hub', repository: 'library/base' },
      tags: { tags: ['1'] },
      archive: { registry: 'archive', repository: 'mirror/library/base' },
      schedule: '0 3 * * *',
    });
    expect(duplicate.status).toBe(409);
    expect((await call('POST', '/api/v1/mirror-rules/nope/sync')).status).toBe(404);
    expect((await call('GET', '/api/v1/mirror-rules', undefined, ci)).status).toBe(403);
    const { rows } = await pg.query(`SELECT name FROM mirror_rules ORDER BY name`);
    expect(rows).toEqual([{ name: 'base' }, { name: 'tick' }]);
  });
});
