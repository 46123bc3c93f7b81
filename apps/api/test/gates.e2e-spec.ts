import { generateToken } from '@airlock/auth';
import { type TestDatabase, type TestRedis } from '@airlock/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';

interface GateResult {
  id: string;
  digest: string;
  gate: string;
  status: string;
  approval: boolean;
  url: string | null;
  details: Record<string, unknown>;
  recordedBy: string | null;
  recordedByName: string | null;
  recordedAt: string;
}
interface Ledger {
  digest: string;
  latest: GateResult[];
  history: { items: GateResult[]; nextCursor: string | null };
}
interface Readiness {
  ready: boolean;
  satisfied: string[];
  missing: string[];
  failed: string[];
  violations: Array<{ rule: string; message: string; field?: string }>;
}
type Problem = Record<string, unknown> & { errors?: Array<Record<string, string>> };
interface CreatedToken {
  id: string;
  token: string;
}

const newDigest = () => `sha256:${randomBytes(32).toString('hex')}`;

describe('gate ledger, approvals, policies and readiness over HTTP', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let pg: Client;
  let ci: CreatedToken;
  let approver: CreatedToken;
  let approver2: CreatedToken;
  let reader: CreatedToken;

  beforeAll(async () => {
    ({ db, redis, api } = await startTestApi('gates', adminToken));
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    // Stages belong to another feature: insert them directly.
    await pg.query(
      `INSERT INTO stages (name, position) VALUES ('ci', 1), ('prod', 2), ('staging', 3)`,
    );
    ci = await createToken('jenkins', 'ci');
    approver = await createToken('alice', 'approver');
    approver2 = await createToken('bob', 'approver');
    reader = await createToken('dashboard', 'reader');
  });

  afterAll(async () => {
    await pg?.end();
    await stopTestApi({ api, redis, db });
  });

  async function createToken(name: string, role: string): Promise<CreatedToken> {
    const response = await api.call<CreatedToken>('POST', '/api/v1/tokens', {
      token: adminToken,
      body: { name, role },
    });
    expect(response.status).toBe(201);
    return response.body;
  }

  const record = (digest: string, body: unknown, token = ci.token) =>
    api.call<GateResult & Problem>('POST', `/api/v1/gates/${digest}/results`, { token, body });
  const approve = (digest: string, body: unknown, token = approver.token) =>
    api.call<GateResult & Problem>('POST', `/api/v1/gates/${digest}/approvals`, { token, body });
  const ledger = (digest: string, query = '', token = reader.token) =>
    api.call<Ledger & Problem>('GET', `/api/v1/gates/${digest}${query}`, { token });
  const readiness = (digest: string, query: string, token = reader.token) =>
    api.call<Readiness & Problem>('GET', `/api/v1/gates/${digest}/readiness?${query}`, { token });
  const putPolicy = (stage: string, body: unknown, token = adminToken) =>
    api.call<Record<string, unknown> & Problem>('PUT', `/api/v1/stages/${stage}/policy`, {
      token,
      body,
    });

  function expectInvalid(
    response: { status: number; headers: Headers; body: Problem },
    field: string,
    rule?: string,
  ) {
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body.code).toBe('INVALID_INPUT');
    expect(response.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining(rule ? { field, rule } : { field })]),
    );
  }

  it('records results append-only: the newest per gate wins, the history keeps every one', async () => {
    const digest = newDigest();
    const first = await record(digest, {
      gate: 'unit-tests',
      status: 'failed',
      url: 'https://ci.example.com/job/1',
      details: { failed: 3 },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      digest,
      gate: 'unit-tests',
      status: 'failed',
      approval: false,
      url: 'https://ci.example.com/job/1',
      details: { failed: 3 },
      recordedBy: ci.id,
      recordedByName: 'jenkins',
    });
    expect((await record(digest, { gate: 'trivy', status: 'passed' })).status).toBe(201);
    const second = await record(digest, {
      gate: 'unit-tests',
      status: 'passed',
      details: { failed: 0 },
    });
    expect(second.status).toBe(201);
    expect(BigInt(second.body.id)).toBeGreaterThan(BigInt(first.body.id));

    const view = await ledger(digest);
    expect(view.status).toBe(200);
    expect(view.body.digest).toBe(digest);
    expect(view.body.latest.map((r) => [r.gate, r.status, r.id])).toEqual([
      ['trivy', 'passed', expect.any(String)],
      ['unit-tests', 'passed', second.body.id],
    ]);
    expect(view.body.history.items.map((r) => r.id)).toEqual([
      second.body.id,
      expect.any(String),
      first.body.id,
    ]);
    expect(view.body.history.nextCursor).toBeNull();

    const oneGate = await ledger(digest, '?gate=unit-tests');
    expect(oneGate.body.history.items.map((r) => r.status)).toEqual(['passed', 'failed']);

    // Another digest's results never leak in.
    expect((await ledger(newDigest())).body).toMatchObject({
      latest: [],
      history: { items: [], nextCursor: null },
    });
  });

  it('pages the history with a keyset cursor', async () => {
    const digest = newDigest();
    for (let i = 0; i < 5; i++)
      expect(
        (await record(digest, { gate: 'flaky', status: i % 2 ? 'passed' : 'failed' })).status,
      ).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof ledger>> = await ledger(
        digest,
        `?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.history.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.history.items.map((r) => r.id));
      cursor = page.body.history.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect([...seen].sort((a, b) => Number(BigInt(b) - BigInt(a)))).toEqual(seen);
    expectInvalid(await ledger(digest, '?limit=0'), 'limit');
    expectInvalid(await ledger(digest, '?cursor=abc'), 'cursor');
  });

  it('refuses bad input with 400 naming the field, and stores nothing', async () => {
    const digest = newDigest();
    expectInvalid(await record('sha256:nothex', { gate: 'unit', status: 'passed' }), 'digest');
    expectInvalid(await ledger('latest'), 'digest');
    expectInvalid(await readiness('sha256:xyz', 'stage=prod'), 'digest');
    expectInvalid(await record(digest, { gate: 'unit', status: 'ok' }), 'status');
    expectInvalid(await record(digest, { gate: 'Unit Tests', status: 'passed' }), 'gate');
    expectInvalid(
      await record(digest, { gate: 'unit', status: 'passed', admin: true }),
      'admin',
      'unknownField',
    );
    expectInvalid(await record(digest, [{ gate: 'unit', status: 'passed' }]), 'body', 'type');
    expectInvalid(await record(digest, { status: 'passed' }), 'gate', 'required');
    expectInvalid(
      await record(digest, { gate: 'unit', status: 'passed', url: 'ftp://x.example.com/' }),
      'url',
    );
    expectInvalid(
      await record(digest, { gate: 'unit', status: 'passed', details: [1, 2] }),
      'details',
    );
    expectInvalid(
      await record(digest, {
        gate: 'unit',
        status: 'passed',
        details: { log: 'x'.repeat(17 * 1024) },
      }),
      'details',
      'maxSize',
    );
    expectInvalid(
      await approve(digest, { gate: 'approval', verdict: 'yes' }),
      'verdict',
      'unknownField',
    );
    expect((await ledger(digest)).body.history.items).toEqual([]);
  });

  it('lets ci and admin record results, refuses approver and reader', async () => {
    const digest = newDigest();
    expect((await record(digest, { gate: 'unit', status: 'passed' }, adminToken)).status).toBe(201);
    const refused = await record(digest, { gate: 'unit', status: 'passed' }, approver.token);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe(
      'This requires the admin or ci role; the token "alice" has the approver role',
    );
    expect((await record(digest, { gate: 'unit', status: 'passed' }, reader.token)).status).toBe(
      403,
    );
  });

  it('accepts an approval from an approver (recording who), refuses one from a ci token', async () => {
    const digest = newDigest();
    const refused = await approve(digest, {}, ci.token);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'FORBIDDEN',
      detail: 'This requires the admin or approver role; the token "jenkins" has the ci role',
    });

    const accepted = await approve(digest, { comment: 'Release notes reviewed' });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({
      digest,
      gate: 'approval',
      status: 'passed',
      approval: true,
      details: { comment: 'Release notes reviewed' },
      recordedBy: approver.id,
      recordedByName: 'alice',
    });
    const custom = await approve(digest, { gate: 'security-signoff' }, adminToken);
    expect(custom.status).toBe(201);
    expect(custom.body).toMatchObject({ gate: 'security-signoff', approval: true });
    expect((await ledger(digest)).body.latest.map((r) => r.gate)).toEqual([
      'approval',
      'security-signoff',
    ]);
  });

  it('keeps approval gates and CI gates apart (409)', async () => {
    const digest = newDigest();
    const reserved = await record(digest, { gate: 'approval', status: 'passed' });
    expect(reserved.status).toBe(409);
    expect(reserved.body.detail).toMatch(/approval gate/);
    const signoff = await approve(digest, { gate: 'qa-signoff' });
    expect(signoff.status).toBe(201);
    const refused = await record(digest, { gate: 'qa-signoff', status: 'passed' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/approval gate/);
    // Refused means no trace: no result, and no audit event beyond the approval's.
    const signoffLedger = await ledger(digest, '?gate=qa-signoff');
    expect(signoffLedger.body.history.items.map((r: { id: string }) => r.id)).toEqual([
      signoff.body.id,
    ]);
    const audited = await api.call<{
      items: Array<{ action: string; after: { digest?: string } }>;
    }>('GET', `/api/v1/audit?action=gate.recorded&limit=500`, { token: reader.token });
    expect(audited.body.items.filter((e) => e.after.digest === digest)).toEqual([]);
    expect((await record(digest, { gate: 'unit', status: 'passed' })).status).toBe(201);
    expect((await approve(digest, { gate: 'unit' })).status).toBe(409);
  });

  it('keeps every concurrent result, and lets only one kind claim a new gate under a race', async () => {
    const digest = newDigest();
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        record(digest, { gate: 'burst', status: 'passed', details: { i } }),
      ),
    );
    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(201));
    const view = await ledger(digest, '?gate=burst');
    expect(view.body.history.items).toHaveLength(10);
    const newest = burst.map((r) => BigInt(r.body.id)).reduce((a, b) => (a > b ? a : b));
    expect(view.body.latest).toEqual([
      expect.objectContaining({ gate: 'burst', id: newest.toString() }),
    ]);

    for (let round = 0; round < 3; round++) {
      const gate = `contested-${round}`;
      const [asResult, asApproval] = await Promise.all([
        record(digest, { gate, status: 'passed' }),
        approve(digest, { gate }),
      ]);
      expect([asResult.status, asApproval.status].sort()).toEqual([201, 409]);
    }
  });

  it('refuses (403, four-eyes) an approval by the token that registered the image', async () => {
    const digest = newDigest();
    // What ImagesService.register notes for four-eyes, in the registration's transaction.
    await pg.query(
      `INSERT INTO digest_principals (digest, principal_id, role) VALUES ($1, $2, 'registered')`,
      [digest, approver.id],
    );
    const refused = await approve(digest, {});
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'FORBIDDEN', rule: 'fourEyes' });
    expect(refused.body.detail).toBe(
      'Four-eyes: the token "alice" registered this image, so it cannot approve it; ask another approver',
    );
    expect((await approve(digest, {}, approver2.token)).status).toBe(201);
  });

  it('round-trips a stage policy; only admin sets it, any role reads it', async () => {
    const body = {
      allowedSourceStages: ['ci'],
      requiredGates: ['unit-tests', 'trivy'],
      approvalsRequired: 1,
      tagPattern: '\\d+\\.\\d+\\.\\d+',
      forbidLatest: true,
      requiredReferrers: ['application/vnd.dev.cosign.artifact.sig.v1+json'],
    };
    expect(
      (await api.call('GET', '/api/v1/stages/staging/policy', { token: reader.token })).status,
    ).toBe(404);
    expect((await putPolicy('staging', body, ci.token)).status).toBe(403);
    const put = await putPolicy('staging', body);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ stage: 'staging', ...body, immutableTags: true });
    const got = await api.call('GET', '/api/v1/stages/staging/policy', { token: ci.token });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(put.body);

    const replaced = await putPolicy('staging', { requiredGates: ['e2e'] });
    expect(replaced.body).toMatchObject({
      allowedSourceStages: [],
      requiredGates: ['e2e'],
      approvalsRequired: 0,
      immutableTags: true,
      tagPattern: null,
      forbidLatest: false,
      requiredReferrers: [],
    });

    const unknown = await putPolicy('nowhere', body);
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toBe('No stage named "nowhere"');
    expectInvalid(await putPolicy('staging', { tagPattern: '(' }), 'tagPattern', 'regex');
    expectInvalid(
      await putPolicy('staging', { requiredGates: ['ok', 'NOT OK'] }),
      'requiredGates[1]',
    );
    expectInvalid(await putPolicy('staging', { approvalsRequired: -1 }), 'approvalsRequired');
    expectInvalid(await putPolicy('staging', { immutable: false }), 'immutable', 'unknownField');
    expectInvalid(await putPolicy('Bad Stage', {}), 'name');
  });

  it('answers readiness: missing, then failed, then satisfied as results and approvals arrive', async () => {
    expect(
      (
        await putPolicy('prod', {
          allowedSourceStages: ['ci'],
          requiredGates: ['unit-tests', 'trivy'],
          approvalsRequired: 1,
          tagPattern: '\\d+\\.\\d+\\.\\d+',
          forbidLatest: true,
        })
      ).status,
    ).toBe(200);
    const digest = newDigest();
    const query = 'stage=prod&source=ci&tags=1.2.3';

    const empty = await readiness(digest, query);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({
      ready: false,
      satisfied: [],
      missing: ['unit-tests', 'trivy'],
      failed: [],
    });
    expect(empty.body.violations.map((v) => v.rule)).toEqual([
      'requiredGate',
      'requiredGate',
      'approvals',
    ]);

    await record(digest, { gate: 'unit-tests', status: 'passed' });
    await record(digest, { gate: 'trivy', status: 'failed' });
    const failing = await readiness(digest, query);
    expect(failing.body).toMatchObject({
      ready: false,
      satisfied: ['unit-tests'],
      missing: [],
      failed: ['trivy'],
    });

    await record(digest, { gate: 'trivy', status: 'passed' });
    const unapproved = await readiness(digest, query);
    expect(unapproved.body).toMatchObject({
      ready: false,
      satisfied: ['unit-tests', 'trivy'],
      missing: [],
      failed: [],
    });
    expect(unapproved.body.violations.map((v) => v.rule)).toEqual(['approvals']);

    await approve(digest, {});
    expect((await readiness(digest, query)).body).toEqual({
      ready: true,
      satisfied: ['unit-tests', 'trivy'],
      missing: [],
      failed: [],
      violations: [],
    });

    // A newer failed result of a required gate takes readiness away again.
    await record(digest, { gate: 'unit-tests', status: 'failed' });
    expect((await readiness(digest, query)).body).toMatchObject({
      ready: false,
      failed: ['unit-tests'],
    });
    await record(digest, { gate: 'unit-tests', status: 'passed' });

    const badRequest = await readiness(digest, 'stage=prod&source=sandbox&tags=1.2.3,latest');
    expect(badRequest.body.ready).toBe(false);
    expect(badRequest.body.violations).toEqual([
      expect.objectContaining({ rule: 'sourceStage', field: 'source' }),
      expect.objectContaining({ rule: 'tagPattern', field: 'tags[1]' }),
      expect.objectContaining({ rule: 'latestForbidden', field: 'tags[1]' }),
    ]);
    expectInvalid(await readiness(digest, 'source=ci'), 'stage');
    expectInvalid(await readiness(digest, 'stage=prod&tags=bad tag'), 'tags[0]');
    expect((await readiness(digest, 'stage=ci')).status).toBe(404);
  });

  it('does not count an approval by the image registrant toward readiness', async () => {
    expect(
      (await putPolicy('ci', { approvalsRequired: 1, requiredGates: ['qa-signoff'] })).status,
    ).toBe(200);
    const digest = newDigest();
    expect((await approve(digest, {})).status).toBe(201);
    expect((await approve(digest, { gate: 'qa-signoff' })).status).toBe(201);
    expect((await readiness(digest, 'stage=ci')).body.ready).toBe(true);
    // Alice's approvals predate the registration; four-eyes still discounts them.
    // What ImagesService.register notes for four-eyes, in the registration's transaction.
    await pg.query(
      `INSERT INTO digest_principals (digest, principal_id, role) VALUES ($1, $2, 'registered')`,
      [digest, approver.id],
    );
    const after = await readiness(digest, 'stage=ci');
    expect(after.body).toMatchObject({ ready: false, satisfied: [], missing: ['qa-signoff'] });
    expect(after.body.violations.map((v) => v.rule)).toEqual(['requiredGate', 'approvals']);
    expect(after.body.violations[1]!.message).toMatch(/1 not counted/);

    expect((await approve(digest, { gate: 'qa-signoff' }, approver2.token)).status).toBe(201);
    expect((await readiness(digest, 'stage=ci')).body).toEqual({
      ready: true,
      satisfied: ['qa-signoff'],
      missing: [],
      failed: [],
      violations: [],
    });
  });

  it('documents every route in OpenAPI with its roles and errors', async () => {
    const doc = (await (await fetch(`${api.base}/api/docs-json`)).json()) as {
      paths: Record<
        string,
        Record<string, { description?: string; responses: Record<string, unknown> }>
      >;
    };
    const op = (path: string, method: string) => doc.paths[path]![method]!;
    expect(op('/api/v1/gates/{digest}/results', 'post').description).toContain(
      '**Roles**: admin, ci.',
    );
    expect(op('/api/v1/gates/{digest}/approvals', 'post').description).toContain(
      '**Roles**: admin, approver.',
    );
    expect(op('/api/v1/stages/{name}/policy', 'put').description).toContain('**Roles**: admin.');
    expect(op('/api/v1/gates/{digest}/readiness', 'get').description).toMatch(
      /existing tags are not checked/,
    );
    for (const [path, method] of [
      ['/api/v1/gates/{digest}/results', 'post'],
      ['/api/v1/gates/{digest}', 'get'],
      ['/api/v1/stages/{name}/policy', 'get'],
    ]) {
      expect(Object.keys(op(path!, method!).responses)).toEqual(
        expect.arrayContaining(['400', '401']),
      );
    }
  });

  it('audits every result, approval and policy change with its actor', async () => {
    const digest = newDigest();
    const result = await record(digest, { gate: 'audited', status: 'passed' });
    const approval = await approve(digest, {}, approver2.token);
    const events = async (query: string) =>
      (
        await api.call<{ items: Array<Record<string, unknown>> }>('GET', `/api/v1/audit?${query}`, {
          token: reader.token,
        })
      ).body.items;

    expect(await events(`subjectType=gate_result&subjectId=${result.body.id}`)).toEqual([
      expect.objectContaining({
        action: 'gate.recorded',
        actorTokenId: ci.id,
        actorName: 'jenkins',
        // Exactly what the API answered, id and time included (the insert writes both together).
        after: result.body,
      }),
    ]);
    expect(result.body).toMatchObject({ digest, gate: 'audited', status: 'passed' });
    expect(await events(`subjectType=gate_result&subjectId=${approval.body.id}`)).toEqual([
      expect.objectContaining({
        action: 'approval.recorded',
        actorTokenId: approver2.id,
        actorName: 'bob',
        after: expect.objectContaining({ approval: true }),
      }),
    ]);
    const policyEvents = await events('subjectType=policy');
    expect(policyEvents.map((e) => e.action)).toEqual(
      expect.arrayContaining(['policy.created', 'policy.updated']),
    );
    const update = policyEvents.find((e) => e.action === 'policy.updated')!;
    expect(update).toMatchObject({
      before: expect.objectContaining({ stage: expect.any(String) }),
      after: expect.objectContaining({ stage: expect.any(String) }),
    });
  });
});
