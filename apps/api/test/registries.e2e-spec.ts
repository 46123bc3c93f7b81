import { generateToken } from '@airlock/auth';
import { freePort, RegistryFixture, type TestDatabase, type TestRedis } from '@airlock/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';

interface RegistryBody {
  id: string;
  name: string;
  url: string;
  role: string;
  credentials: { username: string; passwordSet: true } | null;
  tls: { caPem: string | null; insecure: boolean };
  warnings: string[];
}
interface StageBody {
  name: string;
  position: number;
  registries: string[];
}
type Problem = Record<string, unknown> & {
  code?: string;
  detail?: string;
  errors?: Array<Record<string, string>>;
};

describe('registries and stages over HTTP', () => {
  const adminToken = generateToken();
  const secretKey = randomBytes(32).toString('hex');
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let pg: Client;
  let plain: RegistryFixture;
  let tokenTls: RegistryFixture;
  let readerToken: string;

  beforeAll(async () => {
    [plain, tokenTls] = await Promise.all([
      RegistryFixture.start({ auth: 'htpasswd', name: 'htpasswd' }),
      RegistryFixture.start({ auth: 'token', tls: true, name: 'token-tls' }),
    ]);
    ({ db, redis, api } = await startTestApi('registries', adminToken, {
      AIRLOCK_SECRET_KEY: secretKey,
    }));
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const reader = await api.call<{ token: string }>('POST', '/api/v1/tokens', {
      token: adminToken,
      body: { name: 'dashboard', role: 'reader' },
    });
    readerToken = reader.body.token;
  });

  afterAll(async () => {
    await pg?.end();
    await Promise.all([plain?.stop(), tokenTls?.stop()]);
    await stopTestApi({ api, redis, db });
  });

  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    api.call<T>(method, path, { token: adminToken, body });

  const passwords = () => [plain.credentials.password, tokenTls.credentials.password];

  it('creates a registry with credentials and never shows the password', async () => {
    const created = await admin<RegistryBody>('POST', '/api/v1/registries', {
      name: 'sandbox',
      url: `${plain.url}/`,
      role: 'sandbox',
      credentials: plain.credentials,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'sandbox',
      url: plain.url,
      role: 'sandbox',
      credentials: { username: plain.credentials.username, passwordSet: true },
      tls: { caPem: null, insecure: false },
    });
    expect(created.body.warnings).toEqual([expect.stringMatching(/plain http/)]);
    const shown = await admin('GET', '/api/v1/registries/sandbox');
    const listed = await admin('GET', '/api/v1/registries');
    for (const response of [created, shown, listed])
      expect(JSON.stringify(response.body)).not.toContain(plain.credentials.password);
    expect(shown.status).toBe(200);
  });

  it('stores a ciphertext that is not the password', async () => {
    const { rows } = await pg.query<{
      credentials_ciphertext: Buffer;
      credentials_username: string;
    }>(
      `SELECT credentials_ciphertext, credentials_username FROM registries WHERE name = 'sandbox'`,
    );
    const stored = rows[0]!.credentials_ciphertext;
    expect(rows[0]!.credentials_username).toBe(plain.credentials.username);
    expect(stored.length).toBeGreaterThan(29);
    expect(stored.includes(Buffer.from(plain.credentials.password))).toBe(false);
    expect(stored.toString('latin1')).not.toContain(plain.credentials.password);
  });

  it('checks a registry: OK with the right password, REGISTRY_AUTH_FAILED with a wrong one', async () => {
    const ok = await admin('POST', '/api/v1/registries/sandbox/check');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true, latencyMs: expect.any(Number) });

    const wrong = 'wrong-' + randomBytes(8).toString('hex');
    const patched = await admin<RegistryBody>('PATCH', '/api/v1/registries/sandbox', {
      credentials: { username: plain.credentials.username, password: wrong },
    });
    expect(patched.status).toBe(200);
    const failed = await admin('POST', '/api/v1/registries/sandbox/check');
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      ok: false,
      code: 'REGISTRY_AUTH_FAILED',
      problem: expect.any(String),
    });
    expect(JSON.stringify(failed.body)).not.toContain(wrong);
    expect(api.process.logs).not.toContain(wrong);

    await admin('PATCH', '/api/v1/registries/sandbox', { credentials: plain.credentials });
    expect((await admin('POST', '/api/v1/registries/sandbox/check')).body).toMatchObject({
      ok: true,
    });
  });

  it('names a certificate problem for a TLS registry without its CA, and passes with caPem', async () => {
    const created = await admin<RegistryBody>('POST', '/api/v1/registries', {
      name: 'prod-eu',
      url: tokenTls.url,
      role: 'prod',
      credentials: tokenTls.credentials,
    });
    expect(created.status).toBe(201);
    const untrusted = await admin('POST', '/api/v1/registries/prod-eu/check');
    expect(untrusted.status).toBe(200);
    expect(untrusted.body).toMatchObject({
      ok: false,
      code: 'REGISTRY_UNREACHABLE',
      problem: expect.stringMatching(/certificate problem.*tls\.caPem/),
    });

    const withCa = await admin<RegistryBody>('PATCH', '/api/v1/registries/prod-eu', {
      tls: { caPem: tokenTls.caCertPem },
    });
    expect(withCa.status).toBe(200);
    expect(withCa.body.tls).toEqual({ caPem: tokenTls.caCertPem, insecure: false });
    expect((await admin('POST', '/api/v1/registries/prod-eu/check')).body).toEqual({
      ok: true,
      latencyMs: expect.any(Number),
    });
  });

  it('answers ok: false with REGISTRY_UNREACHABLE when nothing listens, at once', async () => {
    const port = await freePort();
    const created = await admin('POST', '/api/v1/registries', {
      name: 'gone',
      url: `http://127.0.0.1:${port}`,
      role: 'ci',
    });
    expect(created.status).toBe(201);
    const check = await admin('POST', '/api/v1/registries/gone/check');
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({
      ok: false,
      code: 'REGISTRY_UNREACHABLE',
      problem: expect.stringMatching(/connection refused/),
    });
    expect((await admin('DELETE', '/api/v1/registries/gone')).status).toBe(204);
  });

  it('answers ok: false naming the cause when the stored credentials cannot be decrypted', async () => {
    const created = await admin('POST', '/api/v1/registries', {
      name: 'sealed',
      url: plain.url,
      role: 'ci',
      credentials: plain.credentials,
    });
    expect(created.status).toBe(201);
    expect((await admin('POST', '/api/v1/registries/sealed/check')).body).toMatchObject({
      ok: true,
    });
    // Another API process on the same database, started with another key, and one with none.
    const others = await Promise.all(
      ([{ AIRLOCK_SECRET_KEY: 'e'.repeat(64) }, {}] as Array<Record<string, string>>).map((key) =>
        AirlockApi.start({
          AIRLOCK_DATABASE_URL: db.url,
          AIRLOCK_REDIS_URL: redis.url,
          AIRLOCK_REDIS_PREFIX: redis.prefix,
          AIRLOCK_ADMIN_TOKEN: adminToken,
          ...key,
        }),
      ),
    );
    try {
      const [otherKey, noKey] = await Promise.all(
        others.map((other) =>
          other.call('POST', '/api/v1/registries/sealed/check', { token: adminToken }),
        ),
      );
      expect(otherKey!.status).toBe(200);
      expect(otherKey!.body).toMatchObject({
        ok: false,
        code: 'CREDENTIALS_UNREADABLE',
        problem: expect.stringMatching(/AIRLOCK_SECRET_KEY is not the key they were sealed with/),
      });
      expect(noKey!.status).toBe(200);
      expect(noKey!.body).toMatchObject({
        ok: false,
        code: 'NOT_CONFIGURED',
        problem: expect.stringMatching(/AIRLOCK_SECRET_KEY/),
      });
    } finally {
      await Promise.all(others.map((other) => other.stop()));
    }
    expect((await admin('DELETE', '/api/v1/registries/sealed')).status).toBe(204);
  });

  it('warns in every answer when TLS verification is off', async () => {
    const created = await admin<RegistryBody>('POST', '/api/v1/registries', {
      name: 'prod-us',
      url: tokenTls.url,
      role: 'prod',
      credentials: tokenTls.credentials,
      tls: { insecure: true },
    });
    expect(created.status).toBe(201);
    expect(created.body.warnings).toEqual([
      expect.stringMatching(/certificate verification is disabled/),
    ]);
    expect((await admin('POST', '/api/v1/registries/prod-us/check')).body).toMatchObject({
      ok: true,
    });
  });

  it('answers 409 for a duplicate name', async () => {
    const duplicate = await admin<Problem>('POST', '/api/v1/registries', {
      name: 'sandbox',
      url: plain.url,
      role: 'sandbox',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({
      code: 'CONFLICT',
      detail: 'A registry named "sandbox" already exists',
    });
  });

  it('answers 400 naming the field for bad input, and changes nothing', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ name: 'Bad_Name', url: plain.url, role: 'ci' }, 'name', 'matches'],
      [{ name: 'ok', url: `${plain.url}/v2/`, role: 'ci' }, 'url', 'url'],
      [{ name: 'ok', url: 'https://bob:pw@r.example.com', role: 'ci' }, 'url', 'url'],
      [{ name: 'ok', url: plain.url, role: 'staging' }, 'role', 'oneOf'],
      [{ name: 'ok', url: plain.url, role: 'ci', colour: 'red' }, 'colour', 'unknownField'],
      [
        { name: 'ok', url: plain.url, role: 'ci', credentials: { username: 'a' } },
        'credentials.password',
        'required',
      ],
      [{ name: 'ok', url: plain.url, role: 'ci', tls: { caPem: 'nope' } }, 'tls.caPem', 'pem'],
    ];
    for (const [body, field, rule] of cases) {
      const response = await admin<Problem>('POST', '/api/v1/registries', body);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('INVALID_INPUT');
      expect(response.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field, rule })]),
      );
    }
    expect((await admin('GET', '/api/v1/registries/ok')).status).toBe(404);
  });

  it('lets a reader read but not write (403)', async () => {
    const refused = await api.call<Problem>('POST', '/api/v1/registries', {
      token: readerToken,
      body: { name: 'nope', url: plain.url, role: 'ci' },
    });
    expect(refused.status).toBe(403);
    expect((await api.call('GET', '/api/v1/registries', { token: readerToken })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/stages', { token: readerToken })).status).toBe(200);
    expect(
      (await api.call('POST', '/api/v1/stages', { token: readerToken, body: { name: 'x' } }))
        .status,
    ).toBe(403);
  });

  it('lists stages in pipeline order with their registries', async () => {
    expect(
      (
        await admin('POST', '/api/v1/stages', {
          name: 'prod',
          position: 2,
          registries: ['prod-us', 'prod-eu'],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await admin('POST', '/api/v1/stages', {
          name: 'sandbox',
          position: 0,
          registries: ['sandbox'],
        })
      ).status,
    ).toBe(201);
    const unknown = await admin<Problem>('POST', '/api/v1/stages', {
      name: 'ci',
      position: 1,
      registries: ['sandbox', 'ghost'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      expect.objectContaining({ field: 'registries[1]', rule: 'exists' }),
    ]);

    const stages = await admin<{ items: StageBody[] }>('GET', '/api/v1/stages');
    expect(
      stages.body.items.map(({ name, position, registries }) => ({ name, position, registries })),
    ).toEqual([
      { name: 'sandbox', position: 0, registries: ['sandbox'] },
      { name: 'prod', position: 2, registries: ['prod-eu', 'prod-us'] },
    ]);
    expect((await admin<StageBody>('GET', '/api/v1/stages/prod')).body.registries).toEqual([
      'prod-eu',
      'prod-us',
    ]);
    expect((await admin('POST', '/api/v1/stages', { name: 'prod' })).status).toBe(409);
  });

  it('refuses to delete a registry a stage uses, naming the stage, and deletes it once removed', async () => {
    const refused = await admin<Problem>('DELETE', '/api/v1/registries/prod-us');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'CONFLICT', usedBy: { stages: ['prod'] } });
    expect(refused.body.detail).toMatch(/serves stage "prod"/);

    const patched = await admin<StageBody>('PATCH', '/api/v1/stages/prod', {
      registries: ['prod-eu'],
      position: 3,
    });
    expect(patched.body).toMatchObject({ position: 3, registries: ['prod-eu'] });
    expect((await admin('DELETE', '/api/v1/registries/prod-us')).status).toBe(204);
    expect((await admin('GET', '/api/v1/registries/prod-us')).status).toBe(404);
  });

  it('refuses to delete a registry or stage that promotions reference (database foreign keys)', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    await pg.query(
      `WITH image AS (
         INSERT INTO images (repository, digest, media_type, size) VALUES ('app', $1, 'application/vnd.oci.image.manifest.v1+json', 1) RETURNING id)
       INSERT INTO promotions (image_id, digest, source_registry_id, source_repository, target_stage_id, status)
       SELECT image.id, $1, (SELECT id FROM registries WHERE name = 'sandbox'), 'app', (SELECT id FROM stages WHERE name = 'prod'), 'queued'
         FROM image`,
      [digest],
    );
    expect((await admin('PATCH', '/api/v1/stages/sandbox', { registries: [] })).status).toBe(200);
    const registry = await admin<Problem>('DELETE', '/api/v1/registries/sandbox');
    expect(registry.status).toBe(409);
    expect(registry.body.detail).toMatch(/referenced by promotions/);
    const stage = await admin<Problem>('DELETE', '/api/v1/stages/prod');
    expect(stage.status).toBe(409);
    expect(stage.body.detail).toMatch(/target of promotions/);
    expect((await admin('DELETE', '/api/v1/stages/sandbox')).status).toBe(204);
  });

  it('audits every change without a password, and never logs one', async () => {
    const audit = await admin<{ items: Array<{ action: string; actorName: string }> }>(
      'GET',
      '/api/v1/audit?subjectType=registry&limit=100',
    );
    const actions = audit.body.items.map((item) => item.action);
    expect(actions).toEqual(
      expect.arrayContaining(['registry.created', 'registry.updated', 'registry.deleted']),
    );
    expect(audit.body.items.every((item) => item.actorName === 'bootstrap-admin')).toBe(true);
    const stages = await admin<{ items: Array<{ action: string }> }>(
      'GET',
      '/api/v1/audit?subjectType=stage&limit=100',
    );
    expect(stages.body.items.map((item) => item.action)).toEqual(
      expect.arrayContaining(['stage.created', 'stage.updated', 'stage.deleted']),
    );
    const { rows } = await pg.query<{ row: string }>(
      `SELECT row_to_json(a)::text AS row FROM audit_events a`,
    );
    for (const password of passwords()) {
      expect(JSON.stringify(audit.body)).not.toContain(password);
      for (const { row } of rows) expect(row).not.toContain(password);
      expect(api.process.logs).not.toContain(password);
    }
  });

  it('documents every route in OpenAPI', async () => {
    const document = (await (await fetch(`${api.base}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(document.paths['/api/v1/registries']!)).toEqual(
      expect.arrayContaining(['get', 'post']),
    );
    expect(Object.keys(document.paths['/api/v1/registries/{name}']!)).toEqual(
      expect.arrayContaining(['get', 'patch', 'delete']),
    );
    expect(document.paths['/api/v1/registries/{name}/check']).toHaveProperty('post');
    expect(Object.keys(document.paths['/api/v1/stages/{name}']!)).toEqual(
      expect.arrayContaining(['get', 'patch', 'delete']),
    );
  });
});

describe('registries without AIRLOCK_SECRET_KEY', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;

  beforeAll(async () => {
    ({ db, redis, api } = await startTestApi('registries-nokey', adminToken));
  });

  afterAll(async () => {
    await stopTestApi({ api, redis, db });
  });

  it('refuses credentials with NOT_CONFIGURED naming the variable, and accepts a registry without', async () => {
    const refused = await api.call<Problem>('POST', '/api/v1/registries', {
      token: adminToken,
      body: {
        name: 'ci',
        url: 'http://127.0.0.1:5000',
        role: 'ci',
        credentials: { username: 'robot', password: 'pw-123456' },
      },
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'NOT_CONFIGURED', variable: 'AIRLOCK_SECRET_KEY' });
    expect(refused.body.detail).toMatch(/AIRLOCK_SECRET_KEY/);
    const listed = await api.call<{ items: unknown[] }>('GET', '/api/v1/registries', {
      token: adminToken,
    });
    expect(listed.body.items).toEqual([]);

    const plain = await api.call<RegistryBody>('POST', '/api/v1/registries', {
      token: adminToken,
      body: { name: 'ci', url: 'http://127.0.0.1:5000', role: 'ci' },
    });
    expect(plain.status).toBe(201);
    expect(plain.body.credentials).toBeNull();
  });
});
