import {
  AirlockProcess,
  createTestRedis,
  freePort,
  testDatabaseUrl,
  type TestRedis,
} from '@airlock/testing';
import { MIGRATIONS } from '@airlock/migrations';
import { dropDatabase } from '@airlock/persistence';

describe('process startup and shutdown', () => {
  const redis: TestRedis = createTestRedis('startup');
  const databases: string[] = [];

  afterAll(async () => {
    await redis.cleanup();
    await Promise.all(databases.map((url) => dropDatabase(url)));
  });

  function env(extra: Record<string, string> = {}) {
    const { url } = testDatabaseUrl('startup');
    databases.push(url);
    return {
      AIRLOCK_DATABASE_URL: url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
      ...extra,
    };
  }

  it('refuses to start on a bad variable and names it', async () => {
    const airlock = AirlockProcess.start(
      'standalone',
      env({ AIRLOCK_HTTP_PORT: 'eighty', AIRLOCK_LOG_LEVEL: 'loud' }),
    );
    expect(await airlock.exited).toBe(78);
    expect(airlock.logs).toMatch(/AIRLOCK_HTTP_PORT: must be an integer number/);
    expect(airlock.logs).toMatch(/AIRLOCK_LOG_LEVEL: must be one of the following values/);
    expect(airlock.logs).not.toMatch(/listening/);
  });

  it('refuses an unknown AIRLOCK_ variable (a typo) instead of ignoring it', async () => {
    const airlock = AirlockProcess.start('api', env({ AIRLOCK_HTTP_PROT: '9000' }));
    expect(await airlock.exited).toBe(78);
    expect(airlock.logs).toMatch(/AIRLOCK_HTTP_PROT: is not a known Airlock variable/);
  });

  it('creates and migrates a missing database, serves, and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const airlock = AirlockProcess.start('standalone', env({ AIRLOCK_HTTP_PORT: String(port) }));
    await airlock.waitForLog(/Airlock \(API \+ worker\) listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(airlock.logs).toMatch(/created database/);
    expect(airlock.logs).toMatch(/applied migrations: InitialSchema/);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(await airlock.stop()).toBe(0);
    expect(airlock.logs).toMatch(/SIGTERM received/);
  });

  it('runs API and worker apart, both migrating the same new database at once', async () => {
    const shared = env();
    const port = await freePort();
    const api = AirlockProcess.start('api', { ...shared, AIRLOCK_HTTP_PORT: String(port) });
    const worker = AirlockProcess.start('worker', shared);
    await Promise.all([api.waitForLog(/API listening on/), worker.waitForLog(/worker started/)]);
    const migrated = [api, worker].filter((p) => /applied migrations/.test(p.logs));
    expect(migrated).toHaveLength(1);
    expect(worker.logs).not.toMatch(/listening on http/);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(await worker.stop()).toBe(0);
    expect(await api.stop()).toBe(0);
  });

  it('npm run migrate reports what it did, then that it is up to date', async () => {
    const shared = env();
    const first = AirlockProcess.start('cli/migrate', shared);
    expect(await first.exited).toBe(0);
    expect(first.logs).toContain(`applied ${MIGRATIONS.length} migration(s)`);
    const second = AirlockProcess.start('cli/migrate', shared);
    expect(await second.exited).toBe(0);
    expect(second.logs).toMatch(/is up to date/);
  });
});
