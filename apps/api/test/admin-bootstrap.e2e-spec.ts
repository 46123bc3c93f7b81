import { generateToken } from '@airlock/auth';
import { dropDatabase } from '@airlock/persistence';
import { createTestRedis, testDatabaseUrl, type TestRedis } from '@airlock/testing';
import { Client } from 'pg';
import { AirlockApi, printedTokens } from './support/airlock-api';

const BANNER = /AIRLOCK BOOTSTRAP ADMIN TOKEN/g;

describe('the first admin token', () => {
  const redis: TestRedis = createTestRedis('bootstrap');
  const databases: string[] = [];
  const running: AirlockApi[] = [];

  afterEach(async () => {
    await Promise.all(running.splice(0).map((api) => api.stop()));
  });

  afterAll(async () => {
    await redis.cleanup();
    await Promise.all(databases.map((url) => dropDatabase(url)));
  });

  /** A new, not yet created database: the processes create and migrate it themselves. */
  function freshEnv(extra: Record<string, string> = {}) {
    const { url } = testDatabaseUrl('bootstrap');
    databases.push(url);
    return {
      AIRLOCK_DATABASE_URL: url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
      ...extra,
    };
  }

  async function start(env: Record<string, string>): Promise<AirlockApi> {
    const api = await AirlockApi.start(env);
    running.push(api);
    return api;
  }

  async function bootstrapRows(databaseUrl: string) {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const rows = await client.query<{ role: string; revoked: boolean }>(
        `SELECT role, revoked_at IS NOT NULL AS revoked FROM api_tokens WHERE name = 'bootstrap-admin' ORDER BY created_at`,
      );
      return rows.rows;
    } finally {
      await client.end();
    }
  }

  const whoami = (api: AirlockApi, token: string) => api.call('GET', '/api/v1/whoami', { token });

  it('without AIRLOCK_ADMIN_TOKEN, prints a working admin token once; a second start prints none', async () => {
    const env = freshEnv();
    const first = await start(env);
    expect(first.process.logs.match(BANNER)).toHaveLength(1);
    const printed = printedTokens(first.process.logs);
    expect(printed).toHaveLength(1);
    const token = printed[0]!;
    expect((await whoami(first, token)).body).toMatchObject({
      name: 'bootstrap-admin',
      role: 'admin',
    });
    await first.stop();

    const second = await start(env);
    expect(second.process.logs).not.toMatch(BANNER);
    expect(printedTokens(second.process.logs)).toEqual([]);
    expect((await whoami(second, token)).status).toBe(200);
    expect(await bootstrapRows(env.AIRLOCK_DATABASE_URL)).toEqual([
      { role: 'admin', revoked: false },
    ]);
  });

  it('creates exactly one bootstrap token when two processes start at once on a new database', async () => {
    const env = freshEnv();
    const [a, b] = await Promise.all([start(env), start(env)]);
    const banners = [a, b].map((api) => (api.process.logs.match(BANNER) ?? []).length);
    expect(banners.sort()).toEqual([0, 1]);
    const token = [...printedTokens(a.process.logs), ...printedTokens(b.process.logs)];
    expect(token).toHaveLength(1);
    expect((await whoami(a, token[0]!)).status).toBe(200);
    expect((await whoami(b, token[0]!)).status).toBe(200);
    expect(await bootstrapRows(env.AIRLOCK_DATABASE_URL)).toEqual([
      { role: 'admin', revoked: false },
    ]);
  });

  it('registers AIRLOCK_ADMIN_TOKEN without printing it, and rotates it when the variable changes', async () => {
    const env = freshEnv();
    const original = generateToken();
    const first = await start({ ...env, AIRLOCK_ADMIN_TOKEN: original });
    expect(first.process.logs).not.toMatch(BANNER);
    expect(first.process.logs).not.toContain(original);
    expect((await whoami(first, original)).body).toMatchObject({
      name: 'bootstrap-admin',
      role: 'admin',
    });
    await first.stop();

    const rotated = generateToken();
    const second = await start({ ...env, AIRLOCK_ADMIN_TOKEN: rotated });
    expect(second.process.logs).toMatch(/AIRLOCK_ADMIN_TOKEN changed/);
    expect((await whoami(second, rotated)).status).toBe(200);
    expect((await whoami(second, original)).body).toMatchObject({ reason: 'revokedToken' });
    expect(await bootstrapRows(env.AIRLOCK_DATABASE_URL)).toEqual([
      { role: 'admin', revoked: true },
      { role: 'admin', revoked: false },
    ]);
  });

  it('never revives a revoked AIRLOCK_ADMIN_TOKEN at restart', async () => {
    const env = freshEnv();
    const configured = generateToken();
    const first = await start({ ...env, AIRLOCK_ADMIN_TOKEN: configured });
    const other = await first.call<{ token: string }>('POST', '/api/v1/tokens', {
      token: configured,
      body: { name: 'ops', role: 'admin' },
    });
    const id = ((await whoami(first, configured)).body as { tokenId: string }).tokenId;
    expect(
      (await first.call('DELETE', `/api/v1/tokens/${id}`, { token: other.body.token })).status,
    ).toBe(204);
    await first.stop();

    const second = await start({ ...env, AIRLOCK_ADMIN_TOKEN: configured });
    expect(second.process.logs).toMatch(
      /AIRLOCK_ADMIN_TOKEN names token [0-9a-f-]{36}, which was revoked; it stays revoked/,
    );
    expect((await whoami(second, configured)).status).toBe(401);
    expect((await whoami(second, other.body.token)).status).toBe(200);
  });
});
