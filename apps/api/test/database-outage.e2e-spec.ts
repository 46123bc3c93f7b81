import { generateToken } from '@airlock/auth';
import { createTestDatabase, createTestRedis, freePort, waitFor } from '@airlock/testing';
import type { TestDatabase, TestRedis } from '@airlock/testing';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { AirlockApi } from './support/airlock-api';

const POSTGRES = { host: '127.0.0.1', port: 5432 };

/** A TCP relay to Postgres that can be cut (every connection dropped, new ones refused) and restored. */
class PostgresRelay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(readonly port: number) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(POSTGRES);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

/** What CI sees while Postgres is away: 503 with Retry-After, not 500; and service once it is back. */
describe('database outage', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let relay: PostgresRelay;
  let api: AirlockApi;

  beforeAll(async () => {
    db = await createTestDatabase('database_outage');
    redis = createTestRedis('database_outage');
    relay = new PostgresRelay(await freePort());
    await relay.up();
    const url = new URL(db.url);
    url.host = `127.0.0.1:${relay.port}`;
    api = await AirlockApi.start({
      AIRLOCK_DATABASE_URL: url.toString(),
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
      AIRLOCK_ADMIN_TOKEN: adminToken,
    });
  });

  afterAll(async () => {
    await api?.stop();
    await relay?.down();
    await redis?.cleanup();
    await db?.drop();
  });

  it('answers 503 with Retry-After while Postgres is unreachable, and serves again after', async () => {
    const created = await api.call<{ token: string }>('POST', '/api/v1/tokens', {
      token: adminToken,
      body: { name: 'jenkins', role: 'ci' },
    });
    expect(created.status).toBe(201);
    // Never used before the outage, so its lookup has to ask the database.
    const fresh = created.body.token;

    await relay.down();
    const lookups = await api.call('GET', '/api/v1/images', { token: fresh });
    // The admin token was just used: authenticated from the cache, then the query fails.
    const queries = await api.call('GET', '/api/v1/images', { token: adminToken });
    for (const response of [lookups, queries]) {
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.body).toMatchObject({
        code: 'DEPENDENCY_UNAVAILABLE',
        detail: 'The database is unreachable; retry later.',
      });
    }
    expect((await api.call('GET', '/readyz')).status).toBe(503);
    expect(api.process.logs).toMatch(/GET \/api\/v1\/images → 503/);

    await relay.up();
    await waitFor('the API to serve again', async () => {
      const page = await api.call('GET', '/api/v1/images', { token: fresh });
      return page.status === 200 ? page : undefined;
    });
  });
});
