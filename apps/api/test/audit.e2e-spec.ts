import { generateToken } from '@airlock/auth';
import { type TestDatabase, type TestRedis } from '@airlock/testing';
import { Client } from 'pg';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';

interface AuditEvent {
  id: string;
  occurredAt: string;
  actorTokenId: string | null;
  actorName: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
}
interface AuditPage {
  items: AuditEvent[];
  nextCursor: string | null;
}
type Problem = Record<string, unknown> & { errors?: Array<Record<string, string>> };

describe('the audit log over HTTP', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let admin: { tokenId: string };
  let opsAdmin: { id: string; token: string };
  const created: Array<{ id: string; token: string }> = [];
  let startedAt: string;

  beforeAll(async () => {
    ({ db, redis, api } = await startTestApi('audit', adminToken));
    admin = (await api.call<{ tokenId: string }>('GET', '/api/v1/whoami', { token: adminToken }))
      .body;
    startedAt = new Date().toISOString();
    opsAdmin = await createToken('ops-admin', 'admin', adminToken, 'ci-build-1');
    // More entries than one page holds, by a second actor.
    for (let i = 0; i < 12; i++)
      created.push(await createToken(`bot-${i}`, 'ci', opsAdmin.token, `ci-build-2-${i}`));
  });

  afterAll(async () => {
    await stopTestApi({ api, redis, db });
  });

  async function createToken(name: string, role: string, token: string, requestId: string) {
    const response = await api.call<{ id: string; token: string }>('POST', '/api/v1/tokens', {
      token,
      body: { name, role },
      headers: { 'x-request-id': requestId },
    });
    expect(response.status).toBe(201);
    return response.body;
  }

  const audit = (query: string, token = adminToken) =>
    api.call<AuditPage>('GET', `/api/v1/audit${query}`, { token });

  it('records a token creation with its actor, subject, request id and no secret', async () => {
    const page = await audit(`?subjectType=api_token&subjectId=${opsAdmin.id}`);
    expect(page.status).toBe(200);
    expect(page.body.items).toEqual([
      expect.objectContaining({
        action: 'token.created',
        actorTokenId: admin.tokenId,
        actorName: 'bootstrap-admin',
        subjectType: 'api_token',
        subjectId: opsAdmin.id,
        requestId: 'ci-build-1',
        before: null,
        after: expect.objectContaining({
          name: 'ops-admin',
          role: 'admin',
          tokenPrefix: opsAdmin.token.slice(0, 12),
          revokedAt: null,
        }),
      }),
    ]);
    expect(page.body.items[0]!.after).not.toHaveProperty('tokenHash');
    const everything = JSON.stringify((await audit('?limit=500')).body);
    for (const token of [adminToken, opsAdmin.token, ...created.map((c) => c.token)])
      expect(everything).not.toContain(token);
  });

  it('records the bootstrap as Airlock itself', async () => {
    const page = await audit(`?subjectType=api_token&subjectId=${admin.tokenId}`);
    expect(page.body.items).toEqual([
      expect.objectContaining({
        action: 'token.created',
        actorTokenId: null,
        actorName: 'system:bootstrap',
        requestId: null,
      }),
    ]);
  });

  it('records a revocation with before and after', async () => {
    const victim = created[0]!;
    const response = await api.call('DELETE', `/api/v1/tokens/${victim.id}`, {
      token: adminToken,
      headers: { 'x-request-id': 'revoke-1' },
    });
    expect(response.status).toBe(204);
    const page = await audit('?action=token.revoked');
    expect(page.body.items).toEqual([
      expect.objectContaining({
        actorName: 'bootstrap-admin',
        subjectId: victim.id,
        requestId: 'revoke-1',
        before: expect.objectContaining({ revokedAt: null }),
        after: expect.objectContaining({ revokedAt: expect.any(String) }),
      }),
    ]);
  });

  it('filters by actor, action and time', async () => {
    const byOps = await audit(
      `?actor=${(await api.call<{ tokenId: string }>('GET', '/api/v1/whoami', { token: opsAdmin.token })).body.tokenId}&limit=100`,
    );
    expect(byOps.body.items).toHaveLength(12);
    expect(new Set(byOps.body.items.map((e) => e.actorName))).toEqual(new Set(['ops-admin']));

    const creations = await audit('?action=token.created&limit=100');
    expect(creations.body.items).toHaveLength(1 + 1 + 12);

    const before = await audit(`?until=${encodeURIComponent(startedAt)}`);
    expect(before.body.items.map((e) => e.actorName)).toEqual(['system:bootstrap']);
    const since = await audit(`?since=${encodeURIComponent(startedAt)}&limit=100`);
    expect(since.body.items).toHaveLength(1 + 12 + 1);
    const future = await audit(
      `?since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
    );
    expect(future.body).toEqual({ items: [], nextCursor: null });
  });

  it('pages newest first with a keyset cursor, every event exactly once', async () => {
    const all = (await audit('?limit=500')).body.items;
    expect(all.length).toBe(15);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=4${cursor ? `&cursor=${cursor}` : ''}`;
      const page: AuditPage = (await audit(query)).body;
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(4);
    expect(seen).toEqual(all.map((e) => e.id));
    const ids = seen.map(Number);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect((await audit('?limit=15')).body.nextCursor).toBeNull();
  });

  it('refuses bad filters with problem+json naming the field', async () => {
    const cases: Array<[string, string, string]> = [
      ['?limit=501', 'limit', 'max'],
      ['?limit=0', 'limit', 'min'],
      ['?limit=ten', 'limit', 'type'],
      ['?actor=bob', 'actor', 'uuid'],
      ['?action=Created', 'action', 'matches'],
      ['?subjectId=abc', 'subjectType', 'required'],
      ['?since=yesterday', 'since', 'dateTime'],
      ['?cursor=-1', 'cursor', 'cursor'],
      ['?colour=red', 'colour', 'unknownField'],
    ];
    for (const [query, field, rule] of cases) {
      const response = await api.call<Problem>('GET', `/api/v1/audit${query}`, {
        token: adminToken,
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field, rule })]),
      );
    }
  });

  it('defaults to 50 per page', async () => {
    for (let i = 0; i < 40; i++)
      await createToken(`extra-${i}`, 'reader', adminToken, `extra-${i}`);
    const page = await audit('');
    expect(page.body.items).toHaveLength(50);
    expect(page.body.nextCursor).toBe(page.body.items[49]!.id);
    expect((await audit(`?cursor=${page.body.nextCursor}`)).body.items).toHaveLength(5);
  });

  it('verifies the hash chain for admin and reader, names an entry edited past the trigger, and refuses other roles', async () => {
    const reader = await createToken('auditor', 'reader', adminToken, 'verify-1');
    const ci = await createToken('jenkins-verify', 'ci', adminToken, 'verify-2');
    type Report = {
      ok: boolean;
      checked: number;
      head: { seq: string; hash: string };
      broken: { reason: string; id: string | null; seq: string; message: string } | null;
    };
    const verify = (token: string, query = '') =>
      api.call<Report>('GET', `/api/v1/audit/verify${query}`, { token });
    const clean = await verify(reader.token);
    expect(clean.status).toBe(200);
    expect(clean.body).toMatchObject({ ok: true, broken: null });
    expect(clean.body.checked).toBe(Number(clean.body.head.seq));
    expect(clean.body.checked).toBeGreaterThan(12);
    expect(clean.body.head.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await verify(ci.token)).status).toBe(403);
    const bad = await api.call<Problem>('GET', '/api/v1/audit/verify?anchor=nope', {
      token: adminToken,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      expect.objectContaining({ field: 'anchor', rule: 'matches' }),
    ]);

    // A superuser edits an entry with the append-only trigger set aside.
    const victim = (await audit('?action=token.created&limit=1')).body.items[0]!;
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      await pg.query('ALTER TABLE audit_events DISABLE TRIGGER tr_audit_events_append_only');
      await pg.query(`UPDATE audit_events SET actor_name = 'nobody' WHERE id = $1`, [victim.id]);
      await pg.query('ALTER TABLE audit_events ENABLE TRIGGER tr_audit_events_append_only');
    } finally {
      await pg.end();
    }
    const found = await verify(
      adminToken,
      `?anchor=${clean.body.head.seq}:${clean.body.head.hash}`,
    );
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      ok: false,
      broken: { reason: 'content', id: victim.id },
    });
    expect(found.body.broken!.message).toContain(victim.id);
  });
});
