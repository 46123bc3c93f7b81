import { generateToken } from '@airlock/auth';
import {
  AirlockProcess,
  buildImage,
  FaultProxy,
  ImagePusher,
  RegistryFixture,
  Skopeo,
  waitFor,
  type TestDatabase,
  type TestImage,
  type TestRedis,
} from '@airlock/testing';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';

interface Target {
  registry: string;
  status: string;
  attempts: number;
  progress: { blobsDone: number; blobsTotal: number };
  result: { blobs: { copied: number; skipped: number } } | null;
  error: { code: string; message: string } | null;
}
interface Promotion {
  id: string;
  status: string;
  targets: Target[];
  error: { code: string; message: string } | null;
}

const TERMINAL = ['succeeded', 'failed', 'cancelled'];
/** Few attempts keep the "more losses than attempts" case short; the rule is the same at 5. */
const ATTEMPTS = 3;

/**
 * Workers that die (kill -9) in the middle of a copy, again and again: real API and worker
 * processes (dist/), a real CI registry behind a slow proxy and a real release registry. A lost
 * worker is a failed attempt like any other: the copy resumes until the attempts are used up, and
 * only then does the promotion fail — with WORKER_LOST, saying what happened.
 */
describe('workers lost in the middle of a copy', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let pg: Client;
  let ci: RegistryFixture;
  let release: RegistryFixture;
  let slow: FaultProxy;
  let pusher: ImagePusher;
  let releasePusher: ImagePusher;
  let token: string;
  let workerEnv: Record<string, string>;
  const workers: AirlockProcess[] = [];

  beforeAll(async () => {
    [ci, release] = await Promise.all([
      RegistryFixture.start({ name: 'loss-ci' }),
      RegistryFixture.start({ name: 'loss-release' }),
    ]);
    slow = await FaultProxy.start({ target: ci.url });
    // Blob reads take 1.5 s each: a copy of 24 blobs, 6 at a time, takes several seconds.
    slow.addRule({ method: 'GET', path: /\/blobs\/sha256:/, delayMs: 1500, times: Infinity });
    pusher = new ImagePusher(ci);
    releasePusher = new ImagePusher(release);
    const env = {
      AIRLOCK_JOB_LOCK_MS: '2000',
      AIRLOCK_PROMOTION_ATTEMPTS: String(ATTEMPTS),
      AIRLOCK_SECRET_KEY: 'd'.repeat(64),
    };
    ({ db, redis, api } = await startTestApi('worker_loss', adminToken, env));
    workerEnv = {
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
      // The reconciler is the safety net, not the path under test: it stays out of the way.
      AIRLOCK_RECONCILE_INTERVAL_MS: '3600000',
      ...env,
    };
    pg = new Client({ connectionString: db.url });
    await pg.connect();

    const admin = (method: string, path: string, body: unknown) =>
      api.call(method, path, { token: adminToken, body });
    for (const [name, url, role] of [
      ['ci-pool', ci.url, 'ci'],
      ['ci-slow', `http://127.0.0.1:${slow.port}`, 'ci'],
      ['release', release.url, 'prod'],
    ]) {
      expect((await admin('POST', '/api/v1/registries', { name, url, role })).status).toBe(201);
    }
    for (const [stage, registries] of [
      ['ci', ['ci-pool', 'ci-slow']],
      ['release', ['release']],
    ] as const) {
      expect((await admin('POST', '/api/v1/stages', { name: stage, registries })).status).toBe(201);
    }
    expect((await admin('PUT', '/api/v1/stages/release/policy', {})).status).toBe(200);
    const created = await admin('POST', '/api/v1/tokens', { name: 'jenkins', role: 'ci' });
    token = (created.body as { token: string }).token;
  });

  const stopWorkers = async () => {
    await Promise.all(workers.map((w) => w.stop()));
    workers.length = 0;
  };
  // A worker left running would pick up the next test's job behind the back of its kills.
  afterEach(stopWorkers);

  afterAll(async () => {
    await stopWorkers();
    await pg?.end();
    pusher?.close();
    releasePusher?.close();
    await slow?.stop();
    await Promise.all([ci?.stop(), release?.stop()]);
    await stopTestApi({ api, redis, db });
  });

  const startWorker = async (): Promise<AirlockProcess> => {
    const worker = AirlockProcess.start('worker', workerEnv);
    workers.push(worker);
    await worker.waitForLog(/worker consuming queues: .*promotion/);
    return worker;
  };
  const show = async (id: string) =>
    (await api.call<Promotion>('GET', `/api/v1/promotions/${id}`, { token })).body;
  const withLogs = (error: Error): never => {
    throw new Error(
      `${error.message}\n--- worker logs ---\n${workers.map((w) => w.logs).join('\n')}`,
    );
  };
  const settled = (id: string) =>
    waitFor(
      `promotion ${id} to finish`,
      async () => {
        const promotion = await show(id);
        return TERMINAL.includes(promotion.status) ? promotion : undefined;
      },
      90000,
    ).catch(withLogs);
  const claimsOf = async (promotionId: string) =>
    Number(
      (
        await pg.query(`SELECT count(*) FROM promotion_tag_claims WHERE promotion_id = $1`, [
          promotionId,
        ])
      ).rows[0].count,
    );
  const tagAt = async (repository: string, tag: string) =>
    (await releasePusher.getManifest(repository, tag))?.bytes;

  /** Registers an image pushed into the CI pool and asks for its promotion into `release`. */
  const promoteNew = async (repository: string, image: TestImage, tag: string) => {
    await pusher.push(repository, image, ['build']);
    const registered = await api.call('POST', '/api/v1/images', {
      token,
      body: { registry: 'ci-pool', repository, digest: image.digest },
    });
    expect(registered.status).toBe(201);
    const accepted = await api.call<Promotion>('POST', '/api/v1/promotions', {
      token,
      body: {
        source: 'ci',
        sourceRegistry: 'ci-slow',
        target: 'release',
        repository,
        digest: image.digest,
        tags: [tag],
      },
    });
    expect(accepted.status).toBe(202);
    return accepted.body.id;
  };

  /**
   * Waits until the copy's `start`-th run is under way — past `blobsDone` blobs, so it is working,
   * not just started — then kills its worker with SIGKILL. Answers the progress it died with.
   */
  const killDuringRun = async (
    worker: AirlockProcess,
    id: string,
    start: number,
    blobsDone = -1,
  ): Promise<Target> => {
    await waitFor(
      `run ${start} of the copy to get past ${blobsDone} blobs`,
      async () => {
        const target = (await show(id)).targets[0]!;
        return target.status === 'running' &&
          target.attempts === start &&
          target.progress.blobsDone > blobsDone
          ? target
          : undefined;
      },
      45000,
    ).catch(withLogs);
    worker.child.kill('SIGKILL');
    await worker.exited;
    return (await show(id)).targets[0]!;
  };

  it('killed twice during the copy, the promotion still succeeds and the image lands byte for byte under its tag', async () => {
    const image = buildImage({ layers: Array.from({ length: 24 }, () => ({ size: 64 * 1024 })) });
    const id = await promoteNew('team/twice', image, '1.0.0');

    const first = await killDuringRun(await startWorker(), id, 1, 0);
    const second = await killDuringRun(await startWorker(), id, 2, first.progress.blobsDone);
    // Both died mid-copy: the resumed run got further, and no tag was written yet.
    expect(second.progress.blobsDone).toBeLessThan(second.progress.blobsTotal);
    expect((await show(id)).status).toBe('running');
    expect(await tagAt('team/twice', '1.0.0')).toBeUndefined();

    await startWorker();
    const done = await settled(id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    const target = done.targets[0]!;
    expect(target.attempts).toBe(3);
    // What landed before the kills was not copied again.
    expect(target.result!.blobs.skipped).toBeGreaterThanOrEqual(first.progress.blobsDone);

    // skopeo, an independent client, reads the tag back: the same manifest and blob bytes.
    const dir = mkdtempSync(join(tmpdir(), 'airlock-loss-'));
    try {
      await Skopeo.copy(`${release.host}/team/twice:1.0.0`, `dir:${dir}`, {
        src: { tls: false },
      });
      expect(readFileSync(join(dir, 'manifest.json')).equals(image.manifestBytes)).toBe(true);
      for (const blob of image.blobs) {
        const bytes = readFileSync(join(dir, blob.digest.replace('sha256:', '')));
        expect(bytes.equals(image.blobContents.get(blob.digest)!)).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`lost more often than its ${ATTEMPTS} attempts allow, the promotion fails with WORKER_LOST: no tag, claims released`, async () => {
    const image = buildImage({ layers: Array.from({ length: 24 }, () => ({ size: 16 * 1024 })) });
    const id = await promoteNew('team/doomed', image, '2.0.0');

    for (let start = 1; start <= ATTEMPTS; start++)
      await killDuringRun(await startWorker(), id, start);
    // The next worker finds no attempt left: it fails the promotion without copying again.
    const last = await startWorker();
    const done = await settled(id);
    expect(done.status).toBe('failed');
    expect(done.error!.code).toBe('WORKER_LOST');
    const target = done.targets[0]!;
    expect(target.status).toBe('failed');
    expect(target.attempts).toBe(ATTEMPTS);
    expect(target.error!.code).toBe('WORKER_LOST');
    expect(target.error!.message).toMatch(/was lost 3 times .* all 3 attempts are used up/);
    expect(await tagAt('team/doomed', '2.0.0')).toBeUndefined();
    expect(await claimsOf(id)).toBe(0);
    expect(last.logs).not.toMatch(/INTERNAL/);
  });
});
