import { generateToken } from '@airlock/auth';
import {
  AirlockProcess,
  buildImage,
  FaultProxy,
  ImagePusher,
  RegistryFixture,
  waitFor,
  type TestDatabase,
  type TestImage,
  type TestRedis,
} from '@airlock/testing';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';

interface Promotion {
  id: string;
  status: string;
  targets: Array<{ result: { blobs: { copied: number } } | null }>;
  error: { code: string; message: string } | null;
}
interface LogLine {
  level: string;
  ctx?: string;
  msg: string;
  promotionId?: string;
  jobId?: string;
}

/** The JSON lines of a process's output (anything else, e.g. a Node warning, is not a log line). */
function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

const HEX = '[0-9a-f]{64}';
const MS = '\\d+ ms';

/**
 * What an operator sees at AIRLOCK_LOG_LEVEL=debug while a promotion runs: real API and worker
 * processes, a source registry with htpasswd (Basic) behind a fault proxy and a target with
 * bearer-token auth. Every registry request and every job state change is there; no password,
 * token or Authorization value is, anywhere in the output.
 */
describe('debug logging of a promotion', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let source: RegistryFixture;
  let target: RegistryFixture;
  let proxy: FaultProxy;
  let pusher: ImagePusher;
  let token: string;
  let workerEnv: Record<string, string>;
  const workers: AirlockProcess[] = [];

  beforeAll(async () => {
    [source, target] = await Promise.all([
      RegistryFixture.start({ name: 'dbg-ci', auth: 'htpasswd' }),
      RegistryFixture.start({ name: 'dbg-release', auth: 'token' }),
    ]);
    proxy = await FaultProxy.start({ target: source.url });
    pusher = new ImagePusher(source);
    const env = { AIRLOCK_LOG_LEVEL: 'debug', AIRLOCK_SECRET_KEY: 'e'.repeat(64) };
    ({ db, redis, api } = await startTestApi('debug_logging', adminToken, env));
    workerEnv = {
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
      ...env,
    };
    const admin = (method: string, path: string, body: unknown) =>
      api.call(method, path, { token: adminToken, body });
    for (const [name, url, role, registry] of [
      ['ci-pool', `http://127.0.0.1:${proxy.port}`, 'ci', source],
      // Not `prod`: the integrity audit would read it too, and the first request's auth
      // challenge this test expects could be the audit's.
      ['release', target.url, 'ci', target],
    ] as const) {
      const created = await admin('POST', '/api/v1/registries', {
        name,
        url,
        role,
        credentials: registry.credentials,
      });
      expect(created.status).toBe(201);
    }
    for (const [stage, registry] of [
      ['ci', 'ci-pool'],
      ['release', 'release'],
    ]) {
      expect(
        (await admin('POST', '/api/v1/stages', { name: stage, registries: [registry] })).status,
      ).toBe(201);
    }
    expect((await admin('PUT', '/api/v1/stages/release/policy', {})).status).toBe(200);
    const created = await admin('POST', '/api/v1/tokens', { name: 'jenkins', role: 'ci' });
    token = (created.body as { token: string }).token;
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    pusher?.close();
    await proxy?.stop();
    await Promise.all([source?.stop(), target?.stop()]);
    await stopTestApi({ api, redis, db });
  });

  const startWorker = async (): Promise<AirlockProcess> => {
    const worker = AirlockProcess.start('worker', workerEnv);
    workers.push(worker);
    await worker.waitForLog(/worker consuming queues: .*promotion/);
    return worker;
  };
  const stopWorkers = async () => {
    await Promise.all(workers.map((w) => w.stop()));
    workers.length = 0;
  };
  afterEach(stopWorkers);

  const show = async (id: string) =>
    (await api.call<Promotion>('GET', `/api/v1/promotions/${id}`, { token })).body;
  const settled = (id: string) =>
    waitFor(
      `promotion ${id} to finish`,
      async () => {
        const promotion = await show(id);
        return ['succeeded', 'failed'].includes(promotion.status) ? promotion : undefined;
      },
      60000,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}\n--- worker logs ---\n${workers.map((w) => w.logs).join('\n')}`,
      );
    });

  /** Pushes and registers an image in the CI pool and asks for its promotion into `release`. */
  const promote = async (repository: string, image: TestImage, tag: string): Promise<string> => {
    await pusher.push(repository, image, ['build']);
    const registered = await api.call('POST', '/api/v1/images', {
      token,
      body: { registry: 'ci-pool', repository, digest: image.digest },
    });
    expect(registered.status).toBe(201);
    const accepted = await api.call<Promotion>('POST', '/api/v1/promotions', {
      token,
      body: { source: 'ci', target: 'release', repository, digest: image.digest, tags: [tag] },
    });
    expect(accepted.status).toBe(202);
    return accepted.body.id;
  };

  it('logs each registry request, retry, auth decision and job state change — and no secret', async () => {
    const image = buildImage({ layers: [{ size: 64 * 1024 }, { size: 8 * 1024 }] });
    const id = await promote('team/app', image, '1.0.0');
    // The copy's first blob read meets a 503: the client retries it, and says so.
    proxy.addRule({ method: 'GET', path: /\/blobs\/sha256:/, status: 503, times: 1 });
    const worker = await startWorker();
    const done = await settled(id);
    expect(done.status).toBe('succeeded');

    const lines = logLines(worker.logs);
    const debug = (ctx: string) =>
      lines.filter((l) => l.level === 'debug' && l.ctx === ctx).map((l) => l.msg);
    const client = debug('RegistryClient');
    const layer = `team\\/app\\/blobs\\/sha256:${HEX}`;
    for (const pattern of [
      // The source (Basic): the challenge, the decision, then credentials up front.
      `^registry "ci-pool": GET \\/v2\\/team\\/app\\/manifests\\/sha256:${HEX} → 401 in ${MS} \\(attempt 1\\)$`,
      '^registry "ci-pool": GET \\S+ answered 401 with a challenge for Basic: sending the configured credentials$',
      `^registry "ci-pool": GET \\/v2\\/${layer} → 503 in ${MS} \\(attempt 1, Basic\\)$`,
      `^registry "ci-pool": GET \\/v2\\/${layer} answered 503 — attempt 1 of 5 failed, retrying in \\d+ ms \\(backoff\\)$`,
      `^registry "ci-pool": GET \\/v2\\/${layer} → 200 in ${MS} \\(attempt 2, Basic\\)$`,
      // The target (bearer tokens): the challenge, the token service, the token, the writes.
      // (the first request the worker sends there: the upload's POST, the tags being known free)
      '^registry "release": POST \\S+ answered 401 with a challenge for Bearer \\(realm http:\\/\\/127\\.0\\.0\\.1:\\d+\\/token, service airlock-test-dbg-release\\): getting a token with credentials$',
      `^registry "release": GET 127\\.0\\.0\\.1:\\d+\\/token → 200 in ${MS} \\(attempt 1, Basic\\)$`,
      '^registry "release": got a bearer token for repository:team\\/app:pull,push, cached for \\d+ s$',
      `^registry "release": POST \\/v2\\/team\\/app\\/blobs\\/uploads\\/ → 202 in ${MS} \\(attempt 1, Bearer\\)$`,
      // An upload session URL carries a `_state` token in its query: only the path is logged.
      `^registry "release": PUT \\/v2\\/team\\/app\\/blobs\\/uploads\\/[0-9a-f-]{36} → 201 in ${MS} \\(attempt 1, Bearer\\)$`,
      // Nothing lands between the manifest and its tag (no referrer, no attestation): the tag's
      // PUT writes it, no PUT by digest before.
      `^registry "release": PUT \\/v2\\/team\\/app\\/manifests\\/1\\.0\\.0 → 201 in ${MS} \\(attempt 1, Bearer\\)$`,
    ])
      expect(client).toContainEqual(expect.stringMatching(new RegExp(pattern)));
    expect(
      client.filter((l) => /^registry "release": PUT \/v2\/team\/app\/manifests\/sha256:/.test(l)),
    ).toEqual([]);
    // The request's fresh plan found the blobs missing: the worker does not ask again.
    expect(
      client.filter((l) => new RegExp(`^registry "release": HEAD \\/v2\\/${layer} `).test(l)),
    ).toEqual([]);
    // The lines carry the job's context: which promotion a request belongs to.
    expect(lines.some((l) => l.ctx === 'RegistryClient' && l.promotionId === id && l.jobId)).toBe(
      true,
    );

    const jobs = debug('WorkerHost');
    expect(jobs).toContainEqual(
      expect.stringMatching(/^job promotion-\S+ on promotion: active \(attempt 1 of 5\)$/),
    );
    expect(jobs).toContainEqual(
      expect.stringMatching(
        /^job promotion-\S+ on promotion: completed \(attempt 1 of 5\) in \d+ ms$/,
      ),
    );
    // The API enqueued the job.
    const enqueued = logLines(api.process.logs).filter((l) => l.ctx === 'JobQueues');
    expect(enqueued.map((l) => l.msg)).toContainEqual(
      expect.stringMatching(/^job promotion-\S+ on promotion: enqueued$/),
    );

    // No secret anywhere in what either process printed.
    const output = `${api.process.logs}\n${worker.logs}`;
    for (const secret of [
      source.credentials.password,
      target.credentials.password,
      Buffer.from(`${source.credentials.username}:${source.credentials.password}`).toString(
        'base64',
      ),
      Buffer.from(`${target.credentials.username}:${target.credentials.password}`).toString(
        'base64',
      ),
      adminToken,
      token,
    ])
      expect(output).not.toContain(secret);
    expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}/); // a JWT: the target's bearer tokens
    expect(output).not.toMatch(/\b(Basic|Bearer) [A-Za-z0-9+/=._~-]{8,}/); // an Authorization value
    expect(output).not.toContain('_state');
  });

  it('a copy of many blobs on one cancel signal prints no MaxListenersExceededWarning', async () => {
    // 24 blobs of 2 MiB whose reads wait 300 ms: six transfers at a time start together, and each
    // holds a GET, its body and a PUT on the copy's one signal while it streams.
    const image = buildImage({
      layers: Array.from({ length: 24 }, () => ({ size: 2 * 1024 * 1024 })),
    });
    const id = await promote('team/many', image, '2.0.0');
    const slow = proxy.addRule({
      method: 'GET',
      path: /\/blobs\/sha256:/,
      delayMs: 300,
      times: Infinity,
    });
    const worker = await startWorker();
    const done = await settled(id);
    expect(done.status).toBe('succeeded');
    expect(done.targets[0]!.result!.blobs.copied).toBe(25);
    expect(slow.applied).toBeGreaterThanOrEqual(25);
    expect(worker.logs).not.toMatch(/MaxListenersExceededWarning|memory leak detected/);
  });
});
