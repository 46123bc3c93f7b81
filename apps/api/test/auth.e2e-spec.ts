import { generateToken } from '@airlock/auth';
import { type TestDatabase, type TestRedis } from '@airlock/testing';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';

interface Token {
  id: string;
  name: string;
  role: string;
  tokenPrefix: string;
  token?: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
type Problem = Record<string, unknown> & { errors?: Array<Record<string, string>> };

describe('authentication and authorization over HTTP', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;

  beforeAll(async () => {
    ({ db, redis, api } = await startTestApi('auth', adminToken));
  });

  afterAll(async () => {
    await stopTestApi({ api, redis, db });
  });

  const createToken = async (name: string, role: string, token = adminToken) => {
    const response = await api.call<Token>('POST', '/api/v1/tokens', {
      token,
      body: { name, role },
    });
    expect(response.status).toBe(201);
    return response.body;
  };

  function expectProblem(response: { status: number; headers: Headers }, status: number) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  }

  it('keeps /healthz, /readyz and the OpenAPI docs public', async () => {
    expect((await api.call('GET', '/healthz')).status).toBe(200);
    expect((await api.call('GET', '/readyz')).status).toBe(200);
    expect((await fetch(`${api.base}/api/docs`)).status).toBe(200);
    expect((await fetch(`${api.base}/api/docs-json`)).status).toBe(200);
  });

  it('accepts the bootstrap admin token from AIRLOCK_ADMIN_TOKEN, and never logs it', async () => {
    const response = await api.call('GET', '/api/v1/whoami', { token: adminToken });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      tokenId: expect.any(String),
      name: 'bootstrap-admin',
      role: 'admin',
    });
    expect(api.process.logs).not.toContain(adminToken);
    expect(api.process.logs).not.toMatch(/BOOTSTRAP ADMIN TOKEN/);
  });

  it('answers 401 without a token, saying the header is missing, with a Bearer challenge', async () => {
    const response = await api.call<Problem>('GET', '/api/v1/whoami');
    expectProblem(response, 401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="airlock"');
    expect(response.body).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'missingToken',
      instance: '/api/v1/whoami',
    });
    expect(response.body.detail).toMatch(/No Authorization header/);
  });

  it('answers 401 for another scheme and for a string that is no Airlock token', async () => {
    const basic = await api.call<Problem>('GET', '/api/v1/whoami', {
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expectProblem(basic, 401);
    expect(basic.body).toMatchObject({
      reason: 'malformedHeader',
      detail: 'The Authorization header must be "Bearer <token>"',
    });
    const foreign = await api.call<Problem>('GET', '/api/v1/whoami', { token: 'ghp_notours' });
    expectProblem(foreign, 401);
    expect(foreign.body).toMatchObject({ reason: 'malformedToken' });
  });

  it('answers 401 for an unknown token, saying so, with error="invalid_token"', async () => {
    const response = await api.call<Problem>('GET', '/api/v1/whoami', { token: generateToken() });
    expectProblem(response, 401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="airlock", error="invalid_token"',
    );
    expect(response.body).toMatchObject({
      reason: 'unknownToken',
      detail: 'The bearer token is not known to this Airlock',
    });
  });

  it('round-trips a token: created once, usable, listed without secrets, revoked, then refused as revoked', async () => {
    const response = await api.call<Token>('POST', '/api/v1/tokens', {
      token: adminToken,
      body: { name: 'jenkins-prod', role: 'ci' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const created = response.body;
    expect(created).toMatchObject({
      name: 'jenkins-prod',
      role: 'ci',
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(created.token).toMatch(/^alk_[A-Za-z0-9_-]{43}$/);
    expect(created.tokenPrefix).toBe(created.token!.slice(0, 12));

    const me = await api.call('GET', '/api/v1/whoami', { token: created.token });
    expect(me.body).toEqual({ tokenId: created.id, name: 'jenkins-prod', role: 'ci' });

    const list = await api.call<{ items: Token[] }>('GET', '/api/v1/tokens', { token: adminToken });
    expect(list.status).toBe(200);
    const listed = list.body.items.find((t) => t.id === created.id)!;
    expect(listed).toMatchObject({
      name: 'jenkins-prod',
      tokenPrefix: created.tokenPrefix,
      lastUsedAt: expect.any(String),
    });
    expect(listed).not.toHaveProperty('token');
    expect(listed).not.toHaveProperty('tokenHash');
    expect(JSON.stringify(list.body)).not.toContain(created.token);
    const bootstrap = list.body.items.find((t) => t.name === 'bootstrap-admin')!;
    expect(listed.createdBy).toBe(bootstrap.id);

    const revoke = await api.call('DELETE', `/api/v1/tokens/${created.id}`, { token: adminToken });
    expect(revoke.status).toBe(204);
    const refused = await api.call<Problem>('GET', '/api/v1/whoami', { token: created.token });
    expectProblem(refused, 401);
    expect(refused.body).toMatchObject({ reason: 'revokedToken' });
    expect(refused.body.detail).toMatch(
      new RegExp(`^The bearer token \\(${created.tokenPrefix}…\\) was revoked at \\d{4}-`),
    );
    expect(refused.body.detail).not.toContain(created.token);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const again = await api.call('DELETE', `/api/v1/tokens/${created.id}`, { token: adminToken });
    expect(again.status).toBe(204);
  });

  it('answers 403 to a reader on an admin route, naming the role required and the role held', async () => {
    const reader = await createToken('dashboard', 'reader');
    const response = await api.call<Problem>('GET', '/api/v1/tokens', { token: reader.token });
    expectProblem(response, 403);
    expect(response.body).toMatchObject({
      code: 'FORBIDDEN',
      detail: 'This requires the admin role; the token "dashboard" has the reader role',
      requiredRoles: ['admin'],
      role: 'reader',
    });
    expect(response.headers.get('www-authenticate')).toBeNull();
    const create = await api.call('POST', '/api/v1/tokens', {
      token: reader.token,
      body: { name: 'sneaky', role: 'admin' },
    });
    expect(create.status).toBe(403);
    expect((await api.call('GET', '/api/v1/whoami', { token: reader.token })).status).toBe(200);
  });

  it('lets admin and reader read the audit log and refuses ci and approver', async () => {
    const ci = await createToken('gitlab', 'ci');
    const approver = await createToken('alice', 'approver');
    const reader = await createToken('auditor', 'reader');
    expect((await api.call('GET', '/api/v1/audit', { token: adminToken })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/audit', { token: reader.token })).status).toBe(200);
    const refused = await api.call<Problem>('GET', '/api/v1/audit', { token: ci.token });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe(
      'This requires the admin or reader role; the token "gitlab" has the ci role',
    );
    expect((await api.call('GET', '/api/v1/audit', { token: approver.token })).status).toBe(403);
  });

  it('refuses bad bodies with problem+json naming the field and the rule, creating nothing', async () => {
    const before = (
      await api.call<{ items: Token[] }>('GET', '/api/v1/tokens', { token: adminToken })
    ).body.items.length;
    const cases: Array<[unknown, string, string]> = [
      [{ name: 'x', role: 'ci', admin: true }, 'admin', 'unknownField'],
      [{ name: 'x', role: 'root' }, 'role', 'oneOf'],
      [{ name: 'has space', role: 'ci' }, 'name', 'matches'],
      [{ role: 'ci' }, 'name', 'required'],
      [{ name: 'bootstrap-admin', role: 'admin' }, 'name', 'reserved'],
    ];
    for (const [body, field, rule] of cases) {
      const response = await api.call<Problem>('POST', '/api/v1/tokens', {
        token: adminToken,
        body,
      });
      expectProblem(response, 400);
      expect(response.body.code).toBe('INVALID_INPUT');
      expect(response.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field, rule })]),
      );
    }
    const after = (
      await api.call<{ items: Token[] }>('GET', '/api/v1/tokens', { token: adminToken })
    ).body.items.length;
    expect(after).toBe(before);
  });

  it('answers 401 before validating the body of an unauthenticated request', async () => {
    const response = await api.call('POST', '/api/v1/tokens', { body: { nonsense: true } });
    expect(response.status).toBe(401);
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    const malformed = await api.call<Problem>('DELETE', '/api/v1/tokens/not-a-uuid', {
      token: adminToken,
    });
    expectProblem(malformed, 400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'id', rule: 'uuid' })]);
    const unknown = await api.call<Problem>(
      'DELETE',
      '/api/v1/tokens/00000000-0000-4000-8000-000000000000',
      { token: adminToken },
    );
    expectProblem(unknown, 404);
    expect(unknown.body.code).toBe('NOT_FOUND');
  });

  it('lets an admin revoke itself while another admin remains, and refuses to revoke the last admin', async () => {
    const second = await createToken('ops-admin', 'admin');
    const self = await api.call('DELETE', `/api/v1/tokens/${second.id}`, { token: second.token });
    expect(self.status).toBe(204);
    expect((await api.call('GET', '/api/v1/whoami', { token: second.token })).status).toBe(401);

    const bootstrapId = (
      (await api.call('GET', '/api/v1/whoami', { token: adminToken })).body as { tokenId: string }
    ).tokenId;
    const last = await api.call<Problem>('DELETE', `/api/v1/tokens/${bootstrapId}`, {
      token: adminToken,
    });
    expectProblem(last, 409);
    expect(last.body).toMatchObject({ code: 'CONFLICT' });
    expect(last.body.detail).toMatch(/last active admin token/);
    expect((await api.call('GET', '/api/v1/whoami', { token: adminToken })).status).toBe(200);
  });

  it('refuses concurrent revocations of the last two admins: one wins, one admin remains', async () => {
    const a = await createToken('race-a', 'admin');
    const b = await createToken('race-b', 'admin');
    const third = await createToken('race-c', 'admin');
    // Leave exactly two active admins, a and b: c revokes the bootstrap admin, then itself.
    const bootstrapId = (
      (await api.call('GET', '/api/v1/whoami', { token: adminToken })).body as { tokenId: string }
    ).tokenId;
    expect(
      (await api.call('DELETE', `/api/v1/tokens/${bootstrapId}`, { token: third.token })).status,
    ).toBe(204);
    expect(
      (await api.call('DELETE', `/api/v1/tokens/${third.id}`, { token: third.token })).status,
    ).toBe(204);
    const results = await Promise.all([
      api.call('DELETE', `/api/v1/tokens/${a.id}`, { token: b.token }),
      api.call('DELETE', `/api/v1/tokens/${b.id}`, { token: a.token }),
    ]);
    // Exactly one revocation wins. The loser is refused either as "last admin" (409) or, when the
    // winner committed before the loser's token was checked, as revoked (401). Never both 204.
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(204);
    expect([401, 409]).toContain(statuses[1]);
    const survivors = await Promise.all(
      [a, b].map((t) => api.call('GET', '/api/v1/whoami', { token: t.token })),
    );
    expect(survivors.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it("documents bearer auth and each route's roles in the OpenAPI document", async () => {
    const document = (await (await fetch(`${api.base}/api/docs-json`)).json()) as {
      components: { securitySchemes: Record<string, { scheme: string }> };
      paths: Record<
        string,
        Record<
          string,
          { description?: string; security?: unknown[]; responses: Record<string, unknown> }
        >
      >;
    };
    expect(document.components.securitySchemes.bearer).toMatchObject({ scheme: 'bearer' });
    const post = document.paths['/api/v1/tokens']!.post!;
    expect(post.description).toMatch(/\*\*Roles\*\*: admin\./);
    expect(post.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403']),
    );
    expect(document.paths['/api/v1/audit']!.get!.description).toMatch(
      /\*\*Roles\*\*: admin, reader\./,
    );
    expect(document.paths['/api/v1/whoami']!.get!.description).toMatch(
      /\*\*Roles\*\*: any \(admin, ci, approver, reader\)\./,
    );
    expect(document.paths['/api/v1/tokens/{id}']!.delete!.responses).toHaveProperty('409');
    expect(document.paths['/healthz']!.get!.security).toEqual([]);
  });
});
