import { generateToken } from '@airlock/auth';
import { startTestApi, stopTestApi, type TestApiParts } from './support/airlock-api';

/** Per-token write limits and the admin-only queue dashboard, on a real API process. */
describe('limits and the queue dashboard', () => {
  const adminToken = generateToken();
  let parts: TestApiParts;
  let ci: string;

  beforeAll(async () => {
    parts = await startTestApi('limits', adminToken, {
      AIRLOCK_RATE_LIMIT_PER_SECOND: '1',
      AIRLOCK_RATE_LIMIT_BURST: '3',
    });
    ci = (
      await parts.api.call<{ token: string }>('POST', '/api/v1/tokens', {
        token: adminToken,
        body: { name: 'jenkins', role: 'ci' },
      })
    ).body.token;
  });
  afterAll(() => stopTestApi(parts));

  it('answers 429 with Retry-After once a token spent its burst of changes; reads and other tokens go on', async () => {
    const gate = (token: string) =>
      parts.api.call<{ code: string; detail: string }>(
        'POST',
        `/api/v1/gates/sha256:${'c'.repeat(64)}/results`,
        { token, body: { gate: 'unit-tests', status: 'passed' } },
      );
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await gate(ci)).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const limited = await gate(ci);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(limited.body.detail).toMatch(/token "jenkins": at most 1 per second/);
    // Reads are not limited, and the admin's bucket is its own (it spent one on the ci token).
    const read = await parts.api.call('GET', `/api/v1/gates/sha256:${'c'.repeat(64)}`, {
      token: ci,
    });
    expect(read.status).toBe(200);
    expect((await gate(adminToken)).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await gate(ci)).status).toBe(201);
  });

  it('serves Bull Board to admins only', async () => {
    const page = await fetch(`${parts.api.base}/admin/queues`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/Airlock queues/);
    const queues = await fetch(`${parts.api.base}/admin/queues/api/queues`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(queues.status).toBe(200);
    const body = (await queues.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((q) => q.name).sort()).toEqual([
      'integrity',
      'mirror',
      'promotion',
      'release',
      'webhook',
    ]);

    const asCi = await parts.api.call<{ code: string }>('GET', '/admin/queues', { token: ci });
    expect(asCi.status).toBe(403);
    expect(asCi.body.code).toBe('FORBIDDEN');
    const anonymous = await parts.api.call('GET', '/admin/queues/api/queues');
    expect(anonymous.status).toBe(401);
  });
});
