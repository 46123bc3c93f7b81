import { generateToken } from '@airlock/auth';
import {
  AirlockProcess,
  buildImage,
  createTestDatabase,
  createTestRedis,
  freePort,
  ImagePusher,
  RegistryFixture,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '@airlock/testing';
import { randomBytes } from 'node:crypto';

/** One sample of a Prometheus text exposition: the value of `name{labels}` (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const wanted = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (wanted) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/**
 * What operators see: metrics that move as a promotion runs, JSON logs with request / job /
 * promotion ids and no secret in them, and worker liveness — against one Airlock process (API +
 * worker), a registry with a password and a plain one.
 */
describe('operability: metrics, logs, worker liveness', () => {
  const adminToken = generateToken();
  // The canary: the source registry's password. It must never show up in anything logged.
  const canary = `canary-${randomBytes(12).toString('hex')}`;
  let db: TestDatabase;
  let redis: TestRedis;
  let airlock: AirlockProcess;
  let worker: AirlockProcess | undefined;
  let base: string;
  let source: RegistryFixture;
  let target: RegistryFixture;
  let env: Record<string, string>;
  let ci: string;

  beforeAll(async () => {
    [source, target] = await Promise.all([
      RegistryFixture.start({
        auth: 'htpasswd',
        name: 'ops-ci',
        users: [{ username: 'pipeline', password: canary }],
      }),
      RegistryFixture.start({ auth: 'none', name: 'ops-prod' }),
    ]);
    db = await createTestDatabase('operability');
    redis = createTestRedis('operability');
    const port = await freePort();
    env = {
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
      AIRLOCK_ADMIN_TOKEN: adminToken,
      AIRLOCK_SECRET_KEY: randomBytes(32).toString('hex'),
      AIRLOCK_LOG_LEVEL: 'trace',
    };
    airlock = AirlockProcess.start('standalone', { ...env, AIRLOCK_HTTP_PORT: String(port) });
    await airlock.waitForLog(/listening on http:\/\/127\.0\.0\.1:\d+/);
    base = `http://127.0.0.1:${port}`;

    const admin = (method: string, path: string, body: unknown) =>
      call(method, path, body, adminToken);
    expect(
      (
        await admin('POST', '/api/v1/registries', {
          name: 'ci',
          url: source.url,
          role: 'ci',
          credentials: { username: 'pipeline', password: canary },
        })
      ).status,
    ).toBe(201);
    expect(
      (await admin('POST', '/api/v1/registries', { name: 'prod', url: target.url, role: 'prod' }))
        .status,
    ).toBe(201);
    await admin('POST', '/api/v1/stages', { name: 'ci', registries: ['ci'] });
    await admin('POST', '/api/v1/stages', { name: 'prod', registries: ['prod'] });
    await admin('PUT', '/api/v1/stages/prod/policy', { requiredGates: ['unit-tests'] });
    ci = (
      (await admin('POST', '/api/v1/tokens', { name: 'jenkins', role: 'ci' })).body as {
        token: string;
      }
    ).token;
  });

  afterAll(async () => {
    await worker?.stop();
    await airlock?.stop();
    await Promise.all([source?.stop(), target?.stop()]);
    await redis?.cleanup();
    await db?.drop();
  });

  async function call(method: string, path: string, body?: unknown, token = ci) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as unknown };
  }
  const scrape = async (url = `${base}/metrics`) => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    return response.text();
  };

  it('metrics move as a promotion runs', async () => {
    const before = await scrape();
    const pusher = new ImagePusher(source);
    const image = buildImage({ layers: [{ size: 64 * 1024 }, { size: 32 * 1024 }] });
    const { digest } = await pusher.push('team/app', image, ['build-1']);
    pusher.close();
    expect(
      (
        await call('POST', '/api/v1/images', {
          registry: 'ci',
          repository: 'team/app',
          tag: 'build-1',
        })
      ).status,
    ).toBe(201);
    await call('POST', `/api/v1/gates/${digest}/results`, { gate: 'unit-tests', status: 'passed' });
    const accepted = await call('POST', '/api/v1/promotions', {
      repository: 'team/app',
      digest,
      source: 'ci',
      target: 'prod',
      tags: ['1.0.0'],
    });
    expect(accepted.status).toBe(202);
    const id = (accepted.body as { id: string }).id;
    await waitFor('the promotion to land', async () => {
      const state = (await call('GET', `/api/v1/promotions/${id}`)).body as { status: string };
      if (state.status === 'failed') throw new Error(JSON.stringify(state));
      return state.status === 'succeeded' ? state : undefined;
    });
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(delta('airlock_promotions_total', { stage: 'prod', outcome: 'succeeded' })).toBe(1);
    expect(delta('airlock_promotion_requests_total', { stage: 'prod', result: 'accepted' })).toBe(
      1,
    );
    expect(delta('airlock_gate_results_total', { kind: 'result', status: 'passed' })).toBe(1);
    expect(
      delta('airlock_copy_bytes_total', { registry: 'prod', action: 'copied' }),
    ).toBeGreaterThan(96 * 1024);
    expect(delta('airlock_copy_blobs_total', { registry: 'prod', action: 'copied' })).toBe(3);
    expect(delta('airlock_copy_duration_seconds_count', { registry: 'prod' })).toBe(1);
    expect(
      delta('airlock_registry_requests_total', { registry: 'ci', method: 'GET' }),
    ).toBeGreaterThan(0);
    // Basic auth answers 401 first: visible by status.
    expect(
      sample(after, 'airlock_registry_requests_total', { registry: 'ci', status: '401' }),
    ).toBeGreaterThan(0);
    expect(
      delta('airlock_http_requests_total', {
        method: 'POST',
        route: '/api/v1/promotions',
        status: '202',
      }),
    ).toBe(1);
    expect(after).toMatch(/^airlock_queue_jobs\{queue="promotion",state="waiting"\} 0$/m);
    expect(after).toMatch(/^airlock_queue_oldest_waiting_seconds\{queue="promotion"\} 0$/m);
    expect(sample(after, 'airlock_worker_last_active_timestamp_seconds')).toBeGreaterThan(0);
  });

  it('logs JSON lines carrying request, job and promotion ids', () => {
    const lines = airlock.logs
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines)
      expect(line).toEqual(
        expect.objectContaining({
          level: expect.any(String),
          time: expect.any(String),
          msg: expect.any(String),
        }),
      );
    const access = lines.find(
      (l) => l.ctx === 'HTTP' && String(l.msg).startsWith('POST /api/v1/promotions 202'),
    );
    expect(access).toEqual(expect.objectContaining({ requestId: expect.any(String) }));
    const landed = lines.find((l) => String(l.msg).includes('landed in prod/team/app'));
    expect(landed).toEqual(
      expect.objectContaining({
        promotionId: expect.any(String),
        jobId: expect.any(String),
        queue: 'promotion',
      }),
    );
  });

  it('never logs a secret, even at trace level', () => {
    const logs = airlock.logs;
    expect(logs).not.toContain(canary);
    expect(logs).not.toContain(adminToken);
    expect(logs).not.toContain(ci);
    expect(logs).not.toContain(Buffer.from(`pipeline:${canary}`).toString('base64'));
  });

  it('a worker-only process serves its own metrics, and /readyz counts the live workers', async () => {
    worker = AirlockProcess.start('worker', { ...env, AIRLOCK_METRICS_PORT: '0' });
    const [, port] = (await worker.waitForLog(
      /worker metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/,
    ))!;
    const text = await scrape(`http://127.0.0.1:${port}/metrics`);
    expect(text).toMatch(/^airlock_queue_jobs\{queue="promotion",state="active"\} \d+$/m);
    const ready = await waitFor('two live workers', async () => {
      const body = (await (await fetch(`${base}/readyz`)).json()) as {
        checks: { worker: { live: number } };
      };
      return body.checks.worker.live === 2 ? body : undefined;
    });
    expect(ready.checks.worker).toEqual({ status: 'up', live: 2, hostedHere: true });
    await worker.stop();
    // A stopped worker removes its heartbeat at once.
    const body = (await (await fetch(`${base}/readyz`)).json()) as {
      checks: { worker: { live: number } };
    };
    expect(body.checks.worker.live).toBe(1);
    expect(worker.logs).not.toContain(canary);
  });
});
