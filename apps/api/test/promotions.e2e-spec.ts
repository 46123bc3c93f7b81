import { generateToken } from '@airlock/auth';
import {
  AirlockProcess,
  buildImage,
  FaultProxy,
  ImagePusher,
  RegistryFixture,
  sha256Digest,
  waitFor,
  type TestDatabase,
  type TestImage,
  type TestRedis,
} from '@airlock/testing';
import { Client } from 'pg';
import { AirlockApi, startTestApi, stopTestApi, type ApiResponse } from './support/airlock-api';
import { Receiver } from './support/webhook-receiver';

interface Target {
  id: string;
  registry: string;
  status: string;
  attempts: number;
  run: number;
  progress: { bytesDone: number; bytesTotal: number; blobsDone: number; blobsTotal: number };
  result: { blobs: { copied: number; skipped: number; mounted: number } } | null;
  error: { code: string; message: string } | null;
}
interface Promotion {
  id: string;
  status: string;
  digest: string;
  tags: string[];
  evidence: Array<{ gate: string; status: string }>;
  plan: Array<{ registry: string; blobs: { copy: number } }>;
  targets: Target[];
  error: { code: string } | null;
}
interface Problem {
  code: string;
  detail: string;
  missing?: string[];
  failed?: string[];
  violations?: Array<{ rule: string; field?: string; message: string }>;
  errors?: Array<{ field: string; rule: string }>;
  conflicts?: Array<{ tag: string; registry?: string; digest?: string; requestedDigest?: string }>;
}

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** The digest a registry serves for repository:reference, or undefined. */
async function digestAt(
  pusher: ImagePusher,
  repository: string,
  reference: string,
): Promise<string | undefined> {
  const manifest = await pusher.getManifest(repository, reference);
  return manifest && sha256Digest(manifest.bytes);
}

/**
 * The promotion pipeline as CI drives it: real API and worker processes (dist/), real registries
 * (a CI pool and two Prod registries behind one stage), Postgres and Redis.
 */
describe('promotions over HTTP', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let pg: Client;
  let ciRegistry: RegistryFixture;
  let prodEu: RegistryFixture;
  let prodUs: RegistryFixture;
  let slowProxy: FaultProxy;
  let flakyProxy: FaultProxy;
  let locked: RegistryFixture;
  let pusher: ImagePusher;
  let euPusher: ImagePusher;
  let usPusher: ImagePusher;
  let ci: string;
  let gitlab: string;
  let alice: string;
  let reader: string;
  let workerEnv: Record<string, string>;
  const workers: AirlockProcess[] = [];

  beforeAll(async () => {
    [ciRegistry, prodEu, prodUs, locked] = await Promise.all([
      RegistryFixture.start({ auth: 'none', name: 'promo-ci' }),
      RegistryFixture.start({ auth: 'none', name: 'promo-prod-eu' }),
      RegistryFixture.start({ auth: 'none', name: 'promo-prod-us' }),
      RegistryFixture.start({ auth: 'htpasswd', name: 'promo-locked' }),
    ]);
    slowProxy = await FaultProxy.start({ target: ciRegistry.url });
    flakyProxy = await FaultProxy.start({ target: prodUs.url });
    pusher = new ImagePusher(ciRegistry);
    euPusher = new ImagePusher(prodEu);
    usPusher = new ImagePusher(prodUs);
    const env = {
      AIRLOCK_JOB_LOCK_MS: '2000',
      AIRLOCK_RECONCILE_INTERVAL_MS: '1000',
      AIRLOCK_SECRET_KEY: 'c'.repeat(64),
    };
    ({ db, redis, api } = await startTestApi('promotions', adminToken, env));
    workerEnv = {
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
      ...env,
    };
    pg = new Client({ connectionString: db.url });
    await pg.connect();

    const admin = (method: string, path: string, body: unknown) =>
      api.call(method, path, { token: adminToken, body });
    for (const [name, url, role] of [
      ['ci-pool', ciRegistry.url, 'ci'],
      ['ci-slow', `http://127.0.0.1:${slowProxy.port}`, 'ci'],
      ['prod-eu', prodEu.url, 'prod'],
      ['prod-us', prodUs.url, 'prod'],
      ['flaky', `http://127.0.0.1:${flakyProxy.port}`, 'sandbox'],
    ]) {
      expect((await admin('POST', '/api/v1/registries', { name, url, role })).status).toBe(201);
    }
    expect(
      (
        await admin('POST', '/api/v1/registries', {
          name: 'locked',
          url: locked.url,
          role: 'sandbox',
          credentials: locked.credentials,
        })
      ).status,
    ).toBe(201);
    for (const [stage, registry] of [
      ['flaky', 'flaky'],
      ['locked', 'locked'],
    ]) {
      expect(
        (await admin('POST', '/api/v1/stages', { name: stage, registries: [registry] })).status,
      ).toBe(201);
      expect((await admin('PUT', `/api/v1/stages/${stage}/policy`, {})).status).toBe(200);
    }
    expect(
      (await admin('POST', '/api/v1/stages', { name: 'ci', registries: ['ci-pool', 'ci-slow'] }))
        .status,
    ).toBe(201);
    expect(
      (
        await admin('POST', '/api/v1/stages', {
          name: 'prod',
          position: 2,
          registries: ['prod-eu', 'prod-us'],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await admin('PUT', '/api/v1/stages/prod/policy', {
          allowedSourceStages: ['ci'],
          requiredGates: ['unit-tests', 'scan'],
          approvalsRequired: 1,
          immutableTags: true,
          tagPattern: '\\d+\\.\\d+\\.\\d+',
          forbidLatest: true,
        })
      ).status,
    ).toBe(200);
    const token = async (name: string, role: string) =>
      ((await admin('POST', '/api/v1/tokens', { name, role })).body as { token: string }).token;
    ci = await token('jenkins', 'ci');
    gitlab = await token('gitlab', 'ci');
    alice = await token('alice', 'approver');
    reader = await token('dashboard', 'reader');
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await pg?.end();
    for (const each of [pusher, euPusher, usPusher]) each?.close();
    await Promise.all([slowProxy?.stop(), flakyProxy?.stop()]);
    await Promise.all([ciRegistry, prodEu, prodUs, locked].map((r) => r?.stop()));
    await stopTestApi({ api, redis, db });
  });

  const startWorker = async (extra: Record<string, string> = {}): Promise<AirlockProcess> => {
    const worker = AirlockProcess.start('worker', { ...workerEnv, ...extra });
    workers.push(worker);
    await worker.waitForLog(/worker consuming queues: .*promotion/);
    return worker;
  };
  const stopWorkers = async () => {
    await Promise.all(workers.map((w) => w.stop()));
    workers.length = 0;
  };
  const promote = <T = Promotion>(body: Record<string, unknown>, token = ci, key?: string) =>
    api.call<T>('POST', '/api/v1/promotions', {
      token,
      body: { source: 'ci', sourceRegistry: 'ci-pool', target: 'prod', ...body },
      headers: key ? { 'idempotency-key': key } : {},
    });
  const show = async (id: string) =>
    (await api.call<Promotion>('GET', `/api/v1/promotions/${id}`, { token: reader })).body;
  const settled = (id: string, timeoutMs = 45000) =>
    waitFor(
      `promotion ${id} to finish`,
      async () => {
        const promotion = await show(id);
        return TERMINAL.includes(promotion.status) ? promotion : undefined;
      },
      timeoutMs,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}\n--- worker logs ---\n${workers.map((w) => w.logs).join('\n')}`,
      );
    });
  const claimsOf = async (promotionId: string) =>
    Number(
      (
        await pg.query(`SELECT count(*) FROM promotion_tag_claims WHERE promotion_id = $1`, [
          promotionId,
        ])
      ).rows[0].count,
    );
  const count = async (table: string) =>
    Number((await pg.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

  /** Pushes an image into the CI pool, registers it and records the gates (and the approval). */
  const builtAndTested = async (
    repository: string,
    options: { scan?: 'passed' | 'failed' | 'none'; approve?: boolean; image?: TestImage } = {},
  ) => {
    const pushed = await pusher.push(repository, options.image ?? buildImage(), ['build']);
    expect(
      (
        await api.call('POST', '/api/v1/images', {
          token: ci,
          body: { registry: 'ci-pool', repository, digest: pushed.digest },
        })
      ).status,
    ).toBe(201);
    const gate = (gate: string, status: string) =>
      api.call('POST', `/api/v1/gates/${pushed.digest}/results`, {
        token: gitlab,
        body: { gate, status },
      });
    expect((await gate('unit-tests', 'passed')).status).toBe(201);
    if ((options.scan ?? 'passed') !== 'none')
      expect((await gate('scan', options.scan ?? 'passed')).status).toBe(201);
    if (options.approve ?? true) {
      const approved = await api.call('POST', `/api/v1/gates/${pushed.digest}/approvals`, {
        token: alice,
        body: { comment: 'ship it' },
      });
      expect(approved.status).toBe(201);
    }
    return pushed.digest;
  };

  describe('refusals (nothing is written)', () => {
    let digest: string;
    beforeAll(async () => {
      digest = await builtAndTested('team/refused', { scan: 'none', approve: false });
    });

    const refused = async (response: ApiResponse<Problem>, code: string) => {
      expect(response.status).toBe(code === 'INVALID_INPUT' ? 400 : 409);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe(code);
      return response.body;
    };

    it('a missing gate and a missing approval: 409 listing exactly what is missing', async () => {
      const before = await count('promotions');
      const problem = await refused(
        await promote<Problem>({ repository: 'team/refused', digest, tags: ['1.0.0'] }),
        'POLICY_UNMET',
      );
      expect(problem.missing).toEqual(['scan']);
      expect(problem.failed).toEqual([]);
      expect(problem.violations!.map((v) => v.rule)).toEqual(['requiredGate', 'approvals']);
      expect(await count('promotions')).toBe(before);
      expect(await count('promotion_tag_claims')).toBe(0);
    });

    it('a failed gate: listed under failed', async () => {
      await api.call('POST', `/api/v1/gates/${digest}/results`, {
        token: gitlab,
        body: { gate: 'scan', status: 'failed' },
      });
      const problem = await refused(
        await promote<Problem>({ repository: 'team/refused', digest, tags: ['1.0.0'] }),
        'POLICY_UNMET',
      );
      expect(problem.failed).toEqual(['scan']);
      expect(problem.missing).toEqual([]);
    });

    it('an approval by the requester does not count (four-eyes)', async () => {
      await api.call('POST', `/api/v1/gates/${digest}/results`, {
        token: gitlab,
        body: { gate: 'scan', status: 'passed' },
      });
      // The admin approves, then requests the promotion itself: its approval is not counted.
      expect(
        (
          await api.call('POST', `/api/v1/gates/${digest}/approvals`, {
            token: adminToken,
            body: {},
          })
        ).status,
      ).toBe(201);
      const problem = await refused(
        await promote<Problem>({ repository: 'team/refused', digest, tags: ['1.0.0'] }, adminToken),
        'POLICY_UNMET',
      );
      expect(problem.violations!.map((v) => v.rule)).toEqual(['approvals']);
      expect(problem.detail).toMatch(/not counted: the approver registered the image or requested/);
    });

    it('tag rules: the stage pattern, and "latest" in Prod', async () => {
      const problem = await refused(
        await promote<Problem>({ repository: 'team/refused', digest, tags: ['banana', 'latest'] }),
        'POLICY_UNMET',
      );
      expect(problem.violations!.map((v) => [v.rule, v.field])).toEqual(
        expect.arrayContaining([
          ['tagPattern', 'tags[0]'],
          ['tagPattern', 'tags[1]'],
          ['latestForbidden', 'tags[1]'],
        ]),
      );
    });

    it('a role that may not promote: 403; bad input: 400 naming the field', async () => {
      const forbidden = await promote<Problem>(
        { repository: 'team/refused', digest, tags: ['1.0.0'] },
        reader,
      );
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.code).toBe('FORBIDDEN');
      const both = await refused(
        await promote<Problem>({ repository: 'team/refused', digest, tag: 'build' }),
        'INVALID_INPUT',
      );
      expect(both.errors!.map((e) => e.field)).toContain('digest');
      const noStage = await refused(
        await promote<Problem>({ repository: 'team/refused', digest, target: 'nowhere' }),
        'INVALID_INPUT',
      );
      expect(noStage.errors).toEqual([
        expect.objectContaining({ field: 'target', rule: 'exists' }),
      ]);
      const twoRegistries = await refused(
        await api.call<Problem>('POST', '/api/v1/promotions', {
          token: ci,
          body: { repository: 'team/refused', digest, source: 'ci', target: 'prod' },
        }),
        'INVALID_INPUT',
      );
      // The ci stage has two registries in this file: the source one must be named.
      expect(twoRegistries.errors).toEqual([
        expect.objectContaining({ field: 'sourceRegistry', rule: 'required' }),
      ]);
    });
  });

  it('dry run: the plan and the verdict, nothing written, nothing queued', async () => {
    const digest = await builtAndTested('team/dry', { approve: false });
    const tables = ['promotions', 'promotion_targets', 'promotion_tag_claims', 'audit_events'];
    const counts = async () => {
      const result: number[] = [];
      for (const table of tables) result.push(await count(table));
      return result;
    };
    const before = await counts();
    const answer = await promote<{
      dryRun: boolean;
      ready: boolean;
      evaluation: { missing: string[] };
      targets: Array<{
        registry: string;
        blobs: { total: number; copy: number };
        bytesToCopy: number;
      }>;
    }>({
      repository: 'team/dry',
      sourceRegistry: 'ci-pool',
      digest,
      tags: ['2.0.0'],
      dryRun: true,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.dryRun).toBe(true);
    expect(answer.body.ready).toBe(false);
    expect(answer.body.targets.map((t) => t.registry)).toEqual(['prod-eu', 'prod-us']);
    for (const target of answer.body.targets) {
      expect(target.blobs.copy).toBe(target.blobs.total);
      expect(target.bytesToCopy).toBeGreaterThan(0);
    }
    expect(await counts()).toEqual(before);
    expect(await digestAt(euPusher, 'team/dry', digest)).toBeUndefined();
  });

  it('a request planned against both Prod registries reads its source manifest and referrers once', async () => {
    const digest = await builtAndTested('team/once', { approve: false });
    const from = slowProxy.requests.length;

    const answer = await promote<{ targets: Array<{ registry: string }> }>({
      repository: 'team/once',
      sourceRegistry: 'ci-slow',
      digest,
      tags: ['2.0.0'],
      dryRun: true,
    });

    expect(answer.status).toBe(200);
    expect(answer.body.targets.map((t) => t.registry)).toEqual(['prod-eu', 'prod-us']);
    const reads = slowProxy.requests.slice(from).map((r) => `${r.method} ${r.path}`);
    const hex = digest.slice('sha256:'.length);
    // Two plans and the policy's referrer check each need them; the registry hears once.
    expect(reads.filter((r) => r === `GET /v2/team/once/manifests/${digest}`)).toHaveLength(1);
    expect(
      reads.filter((r) => r.startsWith(`GET /v2/team/once/manifests/sha256-${hex}`)),
    ).toHaveLength(1);
  });

  it('the whole flow: fan-out to both Prod registries, progress, evidence, tags, image locations', async () => {
    await startWorker();
    const digest = await builtAndTested('team/app');
    const accepted = await promote({
      repository: 'team/app',
      sourceRegistry: 'ci-pool',
      tag: 'build',
      tags: ['1.4.2'],
    });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('location')).toBe(`/api/v1/promotions/${accepted.body.id}`);
    expect(accepted.body.digest).toBe(digest);
    expect(accepted.body.status).toBe('queued');
    expect(accepted.body.targets.map((t) => t.registry)).toEqual(['prod-eu', 'prod-us']);
    expect(accepted.body.plan.map((p) => p.blobs.copy)).toEqual([2, 2]);
    expect(accepted.body.evidence.map((e) => `${e.gate}:${e.status}`)).toEqual(
      expect.arrayContaining(['unit-tests:passed', 'scan:passed', 'approval:passed']),
    );

    // One call follows it to the end: ?wait answers once the promotion is no longer active.
    const waited = await api.call<Promotion>(
      'GET',
      `/api/v1/promotions/${accepted.body.id}?wait=120`,
      { token: reader },
    );
    expect(waited.status).toBe(200);
    expect(waited.body.status).toBe('succeeded');
    const done = await settled(accepted.body.id);
    expect(done.status).toBe('succeeded');
    for (const target of done.targets) {
      expect(target.status).toBe('succeeded');
      expect(target.progress.bytesDone).toBe(target.progress.bytesTotal);
      expect(target.result!.blobs.copied).toBe(2);
    }
    for (const registry of [euPusher, usPusher]) {
      expect(await digestAt(registry, 'team/app', digest)).toBe(digest);
      expect(await digestAt(registry, 'team/app', '1.4.2')).toBe(digest);
    }
    const image = await api.call<{
      items: Array<{
        locations: Array<{ registry: string }>;
        tags: Array<{ registry: string; tag: string }>;
      }>;
    }>('GET', `/api/v1/images/${digest}`, { token: reader });
    const [shown] = image.body.items;
    const lookup = image.body as unknown as {
      gates: { latest: Array<{ gate: string }>; history: { items: unknown[] } };
      promotions: Array<{ id: string; status: string; targetStage: string }>;
    };
    expect(lookup.gates.latest.map((g) => g.gate).sort()).toEqual([
      'approval',
      'scan',
      'unit-tests',
    ]);
    expect(lookup.gates.history.items.length).toBeGreaterThanOrEqual(3);
    expect(lookup.promotions).toEqual([
      expect.objectContaining({ id: accepted.body.id, status: 'succeeded', targetStage: 'prod' }),
    ]);
    const list = async (query: string) =>
      api.call<{ items: Array<{ repository: string; digest: string }> }>(
        'GET',
        `/api/v1/images?${query}`,
        { token: reader },
      );
    expect((await list('stage=prod')).body.items.map((i) => i.digest)).toEqual([digest]);
    expect((await list('stage=ci&repository=team/app')).body.items.map((i) => i.digest)).toEqual([
      digest,
    ]);
    expect(
      (await list('repository=team/app&gate=scan&gateStatus=passed')).body.items.map(
        (i) => i.digest,
      ),
    ).toEqual([digest]);
    expect((await list('repository=team/app&gate=scan&gateStatus=failed')).body.items).toEqual([]);
    expect(
      (await list('repository=team/app&gate=e2e&gateStatus=missing')).body.items.map(
        (i) => i.digest,
      ),
    ).toEqual([digest]);
    const unpaired = await list('gateStatus=failed');
    expect(unpaired.status).toBe(400);
    expect(JSON.stringify(unpaired.body)).toMatch(/gateStatus/);
    expect(shown!.locations.map((l) => l.registry)).toEqual(['ci-pool', 'prod-eu', 'prod-us']);
    expect(shown!.tags.filter((t) => t.tag === '1.4.2').map((t) => t.registry)).toEqual([
      'prod-eu',
      'prod-us',
    ]);
    const audit = await pg.query(
      `SELECT action FROM audit_events WHERE subject_id = $1 ORDER BY id`,
      [accepted.body.id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['promotion.requested', 'promotion.succeeded']);
    expect(await claimsOf(accepted.body.id)).toBe(0);

    // Prod tags are immutable: 1.4.2 already names this digest, so another digest is refused.
    const other = await builtAndTested('team/app');
    const refused = await promote<Problem>({
      repository: 'team/app',
      sourceRegistry: 'ci-pool',
      digest: other,
      tags: ['1.4.2'],
    });
    // The policy check sees the clash first; it answers the same code as a claim or the copy would.
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('TAG_CONFLICT');
    expect(refused.body.violations!.map((v) => v.rule)).toEqual(['immutableTag']);
    expect(refused.body.conflicts).toEqual(
      ['prod-eu', 'prod-us'].map((registry) => ({
        registry,
        repository: 'team/app',
        tag: '1.4.2',
        digest,
        requestedDigest: other,
      })),
    );
  });

  it('Idempotency-Key: the same body replays the first answer, another body is refused', async () => {
    await stopWorkers();
    const digest = await builtAndTested('team/idem');
    const body = { repository: 'team/idem', sourceRegistry: 'ci-pool', digest, tags: ['3.0.0'] };
    const key = `build-${digest.slice(7, 19)}`;
    const first = await promote(body, ci, key);
    expect(first.status).toBe(202);
    const before = await count('promotions');
    const again = await promote(body, ci, key);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const changed = await promote<Problem>({ ...body, tags: ['3.0.1'] }, ci, key);
    expect(changed.status).toBe(422);
    expect(changed.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await count('promotions')).toBe(before);
    await cancel(first.body.id);
  });

  it('concurrent requests for one tag on two digests: only one digest is ever accepted, the other conflicts naming the holder', async () => {
    await stopWorkers();
    const [a, b] = [await builtAndTested('team/race'), await builtAndTested('team/race')];
    // Round 0: two requests sent together; then rounds of twenty, ten per digest, interleaved.
    for (const [round, size] of [2, 20, 20, 20, 20].entries()) {
      const tag = `4.0.${round}`;
      const answers = await Promise.all(
        Array.from({ length: size }, (_, i) =>
          promote<Promotion & Problem>({
            repository: 'team/race',
            sourceRegistry: 'ci-pool',
            digest: i % 2 === 0 ? a : b,
            tags: [tag],
          }),
        ),
      );
      const accepted = answers.filter((r) => r.status === 202);
      const refused = answers.filter((r) => r.status !== 202);
      const winner = accepted[0]!.body.digest;
      expect({ tag, acceptedDigests: [...new Set(accepted.map((r) => r.body.digest))] }).toEqual({
        tag,
        acceptedDigests: [winner],
      });
      for (const loser of refused) {
        expect({ status: loser.status, code: loser.body.code }).toEqual({
          status: 409,
          code: 'TAG_CONFLICT',
        });
        expect(loser.body.conflicts).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ tag, digest: winner, promotionId: expect.any(String) }),
          ]),
        );
      }
      expect(refused).toHaveLength(
        answers.filter((_, i) => (i % 2 === 0 ? a : b) !== winner).length,
      );
      const active = await pg.query(
        `SELECT DISTINCT p.digest FROM promotions p
          WHERE p.status IN ('queued', 'running') AND p.tags @> ARRAY[$1]::text[]`,
        [tag],
      );
      expect(active.rows).toEqual([{ digest: winner }]);
      for (const answer of accepted) await cancel(answer.body.id);
    }
  });

  const cancel = async (id: string) => {
    const cancelled = await api.call<Promotion>('POST', `/api/v1/promotions/${id}/cancel`, {
      token: ci,
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    return cancelled.body;
  };

  it('cancel releases the tags; retry queues it again and it lands', async () => {
    await stopWorkers();
    const digest = await builtAndTested('team/retry');
    const body = { repository: 'team/retry', sourceRegistry: 'ci-pool', digest, tags: ['5.0.0'] };
    const accepted = await promote(body);
    const cancelled = await cancel(accepted.body.id);
    expect(cancelled.targets.map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    expect(await claimsOf(accepted.body.id)).toBe(0);
    const again = await api.call<Problem>('POST', `/api/v1/promotions/${accepted.body.id}/cancel`, {
      token: ci,
    });
    expect(again.status).toBe(409);

    const retried = await api.call<Promotion>(
      'POST',
      `/api/v1/promotions/${accepted.body.id}/retry`,
      {
        token: ci,
      },
    );
    expect(retried.status).toBe(202);
    expect(retried.body.targets.map((t) => [t.status, t.run])).toEqual([
      ['queued', 2],
      ['queued', 2],
    ]);
    await startWorker();
    const done = await settled(accepted.body.id);
    expect(done.status).toBe('succeeded');
    expect(await digestAt(usPusher, 'team/retry', '5.0.0')).toBe(digest);
  });

  it('Redis loses the queued jobs: the reconciler finds them in Postgres and they land', async () => {
    await stopWorkers();
    const digest = await builtAndTested('team/lost');
    const accepted = await promote({
      repository: 'team/lost',
      sourceRegistry: 'ci-pool',
      digest,
      tags: ['6.0.0'],
    });
    expect(accepted.status).toBe(202);
    await redis.cleanup(); // every key of this install: the queued jobs are gone
    const worker = await startWorker();
    const done = await settled(accepted.body.id);
    expect(done.status).toBe('succeeded');
    expect(worker.logs).toMatch(/had no live job \(missing\); enqueued it again/);
    expect(await digestAt(euPusher, 'team/lost', '6.0.0')).toBe(digest);
  });

  it('a transient registry failure is retried by the queue and the promotion lands', async () => {
    await stopWorkers();
    await startWorker();
    const digest = await builtAndTested('team/flaky');
    // More 503s than the client's own five attempts: the job fails once, then the queue retries.
    const rule = flakyProxy.addRule({
      method: 'PUT',
      path: /\/manifests\//,
      status: 503,
      times: 5,
    });
    const accepted = await promote({ repository: 'team/flaky', digest, target: 'flaky' });
    expect(accepted.status).toBe(202);
    const done = await settled(accepted.body.id);
    expect(rule.applied).toBe(5);
    expect(done.status).toBe('succeeded');
    expect(done.targets[0]!.attempts).toBe(2);
    expect(await digestAt(usPusher, 'team/flaky', digest)).toBe(digest);
  });

  it('a permanent failure fails the promotion at once, with its code', async () => {
    await stopWorkers();
    const digest = await builtAndTested('team/locked');
    const accepted = await promote({ repository: 'team/locked', digest, target: 'locked' });
    expect(accepted.status).toBe(202);
    // The password changes while the promotion waits: the copy meets a 401 it cannot get past.
    const changed = await api.call('PATCH', '/api/v1/registries/locked', {
      token: adminToken,
      body: { credentials: { username: locked.credentials.username, password: 'wrong' } },
    });
    expect(changed.status).toBe(200);
    await startWorker();
    const done = await settled(accepted.body.id);
    expect(done.status).toBe('failed');
    expect(done.error!.code).toBe('REGISTRY_AUTH_FAILED');
    expect(done.targets[0]!.attempts).toBe(1);
    expect(await claimsOf(accepted.body.id)).toBe(0);
    // Planning reads the target as well: a new request fails up front, naming the registry's problem.
    const refused = await promote<Problem>({ repository: 'team/locked', digest, target: 'locked' });
    expect(refused.status).toBe(502);
    expect(refused.body.code).toBe('REGISTRY_AUTH_FAILED');
  });

  it('a worker killed in the middle of a copy: another picks the job up and nothing is lost', async () => {
    await stopWorkers();
    const image = buildImage({ layers: Array.from({ length: 12 }, () => ({ size: 256 * 1024 })) });
    const digest = await builtAndTested('team/killed', { image });
    // Blob reads through ci-slow take 1.5 s each: the copy is still running when the worker dies.
    slowProxy.clearRules();
    slowProxy.addRule({ method: 'GET', path: /\/blobs\/sha256:/, delayMs: 1500, times: Infinity });
    const first = await startWorker();
    const accepted = await promote({
      repository: 'team/killed',
      sourceRegistry: 'ci-slow',
      digest,
      tags: ['7.0.0'],
    });
    expect(accepted.status).toBe(202);
    const progressed = await waitFor('some blobs copied into both targets', async () => {
      const p = await show(accepted.body.id);
      return p.targets.every((t) => t.progress.blobsDone > 0) ? p : undefined;
    });
    first.child.kill('SIGKILL');
    await first.exited;
    const halfway = await show(accepted.body.id);
    expect(halfway.status).toBe('running');
    expect(halfway.targets.every((t) => t.progress.blobsDone < t.progress.blobsTotal)).toBe(true);
    for (const registry of [euPusher, usPusher])
      expect(await digestAt(registry, 'team/killed', '7.0.0')).toBeUndefined();

    await startWorker();
    const done = await settled(accepted.body.id, 60000);
    expect(done.status).toBe('succeeded');
    for (const target of done.targets) {
      expect(target.attempts).toBeGreaterThanOrEqual(2);
      // What landed before the kill was not copied again.
      const before = progressed.targets.find((t) => t.registry === target.registry)!;
      expect(target.result!.blobs.skipped).toBeGreaterThanOrEqual(before.progress.blobsDone);
    }
    for (const registry of [euPusher, usPusher])
      expect(await digestAt(registry, 'team/killed', '7.0.0')).toBe(digest);
  });

  it('SIGTERM during a copy: once its bound runs out the worker hands the job back and exits 0, no tag is half-written', async () => {
    await stopWorkers();
    const image = buildImage({ layers: Array.from({ length: 12 }, () => ({ size: 128 * 1024 })) });
    const digest = await builtAndTested('team/sigterm', { image });
    // Blob reads through ci-slow take 1.5 s each: the copy is running when SIGTERM arrives.
    slowProxy.clearRules();
    slowProxy.addRule({ method: 'GET', path: /\/blobs\/sha256:/, delayMs: 1500, times: Infinity });
    const first = await startWorker({ AIRLOCK_SHUTDOWN_TIMEOUT_MS: '1000' });
    const accepted = await promote({
      repository: 'team/sigterm',
      sourceRegistry: 'ci-slow',
      digest,
      tags: ['8.0.0'],
    });
    expect(accepted.status).toBe(202);
    await waitFor('the copy to start', async () => {
      const p = await show(accepted.body.id);
      return p.status === 'running' ? p : undefined;
    });
    // The shutdown bound ran out with the copy in flight: the job was handed back, and the exit is clean.
    expect(await first.stop()).toBe(0);
    expect(first.logs).toMatch(/stopping workers: waiting up to 1000 ms for running jobs/);
    expect(first.logs).toMatch(/handing them back to the queue/);
    const between = await show(accepted.body.id);
    expect(between.status).toBe('running');
    for (const registry of [euPusher, usPusher])
      expect(await digestAt(registry, 'team/sigterm', '8.0.0')).toBeUndefined();

    await startWorker();
    const done = await settled(accepted.body.id, 60000);
    expect(done.status).toBe('succeeded');
    for (const registry of [euPusher, usPusher])
      expect(await digestAt(registry, 'team/sigterm', '8.0.0')).toBe(digest);
    slowProxy.clearRules();
  });

  it('a promotion that moves a base image tag announces base-image.updated to the images built FROM it', async () => {
    const receiver = await Receiver.start();
    try {
      const admin = (method: string, path: string, body?: unknown) =>
        api.call(method, path, { token: adminToken, body });
      // A company base image goes CI → "platform", whose tags move (no immutable tags).
      expect(
        (
          await admin('POST', '/api/v1/registries', {
            name: 'platform',
            url: prodEu.url,
            role: 'prod',
          })
        ).status,
      ).toBe(201);
      expect(
        (await admin('POST', '/api/v1/stages', { name: 'platform', registries: ['platform'] }))
          .status,
      ).toBe(201);
      expect(
        (
          await admin('PUT', '/api/v1/stages/platform/policy', {
            allowedSourceStages: ['ci'],
            immutableTags: false,
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await admin('POST', '/api/v1/webhooks', {
            url: `${receiver.base}/hooks`,
            events: ['base-image.updated'],
            secret: 'base-updates-secret-1234',
          })
        ).status,
      ).toBe(201);
      if (workers.length === 0) await startWorker();

      // The platform stage requires no gates or approvals; builtAndTested records a gate anyway.
      const registered = (repository: string, image: TestImage) =>
        builtAndTested(repository, { image, scan: 'none', approve: false });
      const toPlatform = async (image: TestImage) => {
        const digest = await registered('platform/base', image);
        const requested = await promote({
          digest,
          repository: 'platform/base',
          target: 'platform',
          tags: ['1.0'],
        });
        expect(requested.status).toBe(202);
        expect((await settled(requested.body.id)).status).toBe('succeeded');
        return digest;
      };
      const v1 = await toPlatform(buildImage({ layers: [{ size: 700 }] }));

      // An application built FROM platform/base:1.0 as it was then.
      const app = buildImage({
        layers: [{ size: 900 }],
        annotations: {
          'org.opencontainers.image.base.name': `${prodEu.host}/platform/base:1.0`,
          'org.opencontainers.image.base.digest': v1,
        },
      });
      const appDigest = await registered('team/on-base', app);

      // A new base build promoted under the same tag: the app must be rebuilt, and is told so.
      const v2 = await toPlatform(buildImage({ layers: [{ size: 800 }] }));
      const [delivered] = await receiver.waitFor('/hooks', 1);
      const event = JSON.parse(delivered!.body) as {
        type: string;
        data: {
          base: { name: string; digest: string; previousDigest: string };
          dependents: Array<{ repository: string; digest: string; baseDigest: string }>;
        };
      };
      expect(event.type).toBe('base-image.updated');
      expect(event.data.base).toMatchObject({
        name: `${prodEu.host}/platform/base:1.0`,
        digest: v2,
        previousDigest: v1,
      });
      expect(event.data.dependents).toEqual([
        expect.objectContaining({
          repository: 'team/on-base',
          digest: appDigest,
          baseDigest: v1,
        }),
      ]);
    } finally {
      await receiver.stop();
    }
  });
});
