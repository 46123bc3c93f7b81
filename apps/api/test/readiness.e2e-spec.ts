import {
  AirlockProcess,
  createTestDatabase,
  freePort,
  RedisServerFixture,
  waitFor,
  type TestDatabase,
} from '@airlock/testing';

/**
 * The real server process against a private redis-server, so Redis can be stopped and
 * restarted without touching the Redis other test files share.
 */
describe('readiness follows Postgres, Redis and the workers', () => {
  let db: TestDatabase;
  let redis: RedisServerFixture;
  let airlock: AirlockProcess;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase('readiness');
    redis = await RedisServerFixture.start();
    const port = await freePort();
    airlock = AirlockProcess.start('standalone', {
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_HTTP_PORT: String(port),
    });
    await airlock.waitForLog(/listening on http:\/\/127\.0\.0\.1:\d+/);
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await airlock?.stop();
    await redis?.stop();
    await db?.drop();
  });

  const readyz = async () => {
    const response = await fetch(`${base}/readyz`);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  it('reports both dependencies up, and its own worker polling', async () => {
    // The worker's first heartbeat may land just after the API listens (a loaded machine).
    const { status, body } = await waitFor('the worker heartbeat', async () => {
      const result = await readyz();
      const worker = (result.body.checks as { worker?: { live?: number } } | undefined)?.worker;
      return worker?.live === 1 ? result : undefined;
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      checks: {
        postgres: { status: 'up' },
        redis: { status: 'up' },
        worker: { status: 'up', live: 1, hostedHere: true },
      },
    });
  });

  it('answers 503 naming Redis while Redis is down, and keeps running', async () => {
    await redis.stop();
    const down = await waitFor('a 503', async () => {
      const result = await readyz();
      return result.status === 503 ? result : undefined;
    });
    expect(down.type).toMatch(/^application\/problem\+json/);
    expect(down.body).toMatchObject({
      code: 'DEPENDENCY_UNAVAILABLE',
      // The workers cannot poll without Redis either.
      detail: 'not ready: redis and worker are down',
      down: ['redis', 'worker'],
      checks: { postgres: { status: 'up' }, redis: { status: 'down' }, worker: { status: 'down' } },
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(airlock.running).toBe(true);
  });

  it('recovers by itself when Redis comes back', async () => {
    await redis.restart();
    const up = await waitFor(
      'readiness to recover',
      async () => {
        const result = await readyz();
        const checks = result.body.checks as { worker?: { live?: number } } | undefined;
        // The worker's next heartbeat (every 5 s) lands in the restarted, empty Redis.
        return result.status === 200 && checks?.worker?.live === 1 ? result : undefined;
      },
      20000,
    );
    expect(up.body).toMatchObject({
      checks: { redis: { status: 'up' }, worker: { status: 'up', live: 1 } },
    });
    expect(airlock.running).toBe(true);
  });
});
