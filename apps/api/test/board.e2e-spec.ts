import { generateToken } from '@airlock/auth';
import {
  buildImage,
  ImagePusher,
  RegistryFixture,
  type TestDatabase,
  type TestRedis,
} from '@airlock/testing';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';

interface BoardBody {
  stages: Array<{
    name: string;
    position: number;
    registries: string[];
    next: string | null;
    notice: string | null;
    nextCursor: string | null;
    images: Array<{
      image: { repository: string; digest: string };
      tags: Array<{ registry: string; repository: string; tag: string }>;
      readiness: {
        ready: boolean;
        satisfied: string[];
        missing: string[];
        failed: string[];
        violations: Array<{ rule: string; message: string }>;
      } | null;
    }>;
  }>;
}

/** The pipeline board (one request for every stage) and the web UI's files, served by the API. */
describe('the pipeline board and the web UI over HTTP', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let ciRegistry: RegistryFixture;
  let prodRegistry: RegistryFixture;
  let ciToken: string;
  let readerToken: string;
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    [ciRegistry, prodRegistry] = await Promise.all([
      RegistryFixture.start({ auth: 'none', name: 'board-ci' }),
      RegistryFixture.start({ auth: 'none', name: 'board-prod' }),
    ]);
    ({ db, redis, api } = await startTestApi('board', adminToken));
    const admin = (method: string, path: string, body?: unknown) =>
      api.call(method, path, { token: adminToken, body });
    const token = async (name: string, role: string) =>
      (
        await api.call<{ token: string }>('POST', '/api/v1/tokens', {
          token: adminToken,
          body: { name, role },
        })
      ).body.token;
    ciToken = await token('jenkins', 'ci');
    readerToken = await token('dashboard', 'reader');
    expect(
      (await admin('POST', '/api/v1/registries', { name: 'ci', url: ciRegistry.url, role: 'ci' }))
        .status,
    ).toBe(201);
    expect(
      (
        await admin('POST', '/api/v1/registries', {
          name: 'prod',
          url: prodRegistry.url,
          role: 'prod',
        })
      ).status,
    ).toBe(201);
    await admin('POST', '/api/v1/stages', { name: 'ci', position: 1, registries: ['ci'] });
    await admin('POST', '/api/v1/stages', { name: 'staging', position: 2, registries: [] });
    await admin('POST', '/api/v1/stages', { name: 'prod', position: 3, registries: ['prod'] });
    // Deliberately out of position order: the board sorts.
    await admin('PUT', '/api/v1/stages/staging/policy', {
      allowedSourceStages: ['ci'],
      requiredGates: ['unit-tests', 'scan'],
      approvalsRequired: 1,
    });
    const pusher = new ImagePusher(ciRegistry);
    try {
      for (const name of ['api', 'web', 'worker']) {
        const pushed = await pusher.push(`shop/${name}`, buildImage({ layers: [{ size: 2048 }] }), [
          '1.0',
        ]);
        digests[name] = pushed.digest;
        const registered = await api.call('POST', '/api/v1/images', {
          token: ciToken,
          body: {
            registry: 'ci',
            repository: `shop/${name}`,
            tag: '1.0',
            build: { url: `https://ci.example/${name}/1` },
          },
        });
        expect(registered.status).toBe(201);
      }
    } finally {
      pusher.close();
    }
    const gate = (digest: string, gateName: string, status: string) =>
      api.call('POST', `/api/v1/gates/${digest}/results`, {
        token: ciToken,
        body: { gate: gateName, status },
      });
    await gate(digests.api!, 'unit-tests', 'passed');
    await gate(digests.api!, 'scan', 'passed');
    await gate(digests.web!, 'unit-tests', 'failed');
  });

  afterAll(async () => {
    await stopTestApi({ api, redis, db });
    await ciRegistry?.stop();
    await prodRegistry?.stop();
  });

  it('shows every stage in pipeline order with its newest images, their tags and their readiness for the next stage', async () => {
    const { status, body } = await api.call<BoardBody>('GET', '/api/v1/board', {
      token: readerToken,
    });
    expect(status).toBe(200);
    expect(body.stages.map((s) => [s.name, s.position, s.next])).toEqual([
      ['ci', 1, 'staging'],
      ['staging', 2, 'prod'],
      ['prod', 3, null],
    ]);
    const [ci, staging, prod] = body.stages;
    expect(ci!.registries).toEqual(['ci']);
    expect(ci!.notice).toBeNull();
    // Newest first: worker was registered last.
    expect(ci!.images.map((i) => i.image.repository)).toEqual([
      'shop/worker',
      'shop/web',
      'shop/api',
    ]);
    const byRepo = new Map(ci!.images.map((i) => [i.image.repository, i]));
    expect(byRepo.get('shop/api')!.tags).toEqual([
      { registry: 'ci', repository: 'shop/api', tag: '1.0' },
    ]);
    // Every gate passed, but the approval is still missing: not ready, said in words.
    const api1 = byRepo.get('shop/api')!.readiness!;
    expect(api1).toMatchObject({
      ready: false,
      satisfied: ['unit-tests', 'scan'],
      missing: [],
      failed: [],
    });
    expect(api1.violations.map((v) => v.rule)).toEqual(['approvals']);
    expect(api1.violations[0]!.message).toMatch(/approv/i);
    expect(byRepo.get('shop/web')!.readiness).toMatchObject({
      ready: false,
      failed: ['unit-tests'],
      missing: ['scan'],
    });
    expect(byRepo.get('shop/worker')!.readiness).toMatchObject({ missing: ['unit-tests', 'scan'] });
    // staging has no registry (no image) and prod has no policy: the reason is a notice, not a guess.
    expect(staging).toMatchObject({
      images: [],
      notice: 'Stage "prod" has no policy yet: nothing is held against it.',
    });
    expect(prod).toMatchObject({
      images: [],
      notice: 'The last stage: nothing comes after it.',
      nextCursor: null,
    });
    expect(ci!.nextCursor).toBeNull();
  });

  it('pages a stage with limit, and the cursor continues on the images list', async () => {
    const { body } = await api.call<BoardBody>('GET', '/api/v1/board?limit=2', {
      token: readerToken,
    });
    const ci = body.stages[0]!;
    expect(ci.images.map((i) => i.image.repository)).toEqual(['shop/worker', 'shop/web']);
    expect(ci.nextCursor).toEqual(expect.any(String));
    const rest = await api.call<{ items: Array<{ repository: string }> }>(
      'GET',
      `/api/v1/images?stage=ci&cursor=${encodeURIComponent(ci.nextCursor!)}`,
      { token: readerToken },
    );
    expect(rest.body.items.map((i) => i.repository)).toEqual(['shop/api']);
  });

  it('refuses a bad limit or an unknown field with 400 naming it, and needs a token', async () => {
    for (const [query, field, rule] of [
      ['limit=0', 'limit', 'min'],
      ['limit=201', 'limit', 'max'],
      ['limit=two', 'limit', 'type'],
      ['stage=ci', 'stage', 'unknownField'],
    ] as const) {
      const refused = await api.call<{
        code: string;
        errors: Array<{ field: string; rule: string }>;
      }>('GET', `/api/v1/board?${query}`, { token: readerToken });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('INVALID_INPUT');
      expect(refused.body.errors).toEqual([expect.objectContaining({ field, rule })]);
    }
    expect((await api.call('GET', '/api/v1/board')).status).toBe(401);
  });

  it('serves the web UI at / with a strict CSP, deep links as the app, hashed assets cached for good', async () => {
    const page = await fetch(`${api.base}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).toContain('<div id="root"');
    // No inline script: every script is a file of the build.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const script = /<script[^>]*src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;

    const asset = await fetch(`${api.base}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-security-policy')).toBe(csp);

    // A deep link reloads into the app; an API miss stays the API's problem, an unknown asset a 404.
    const deep = await fetch(`${api.base}/images/${digests.api}`, {
      headers: { accept: 'text/html' },
    });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);
    const apiMiss = await fetch(`${api.base}/api/v1/nothing-here`, {
      headers: { accept: 'text/html' },
    });
    expect(apiMiss.status).toBe(404);
    expect(apiMiss.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await fetch(`${api.base}/assets/missing-0000.js`)).status).toBe(404);
    expect((await fetch(`${api.base}/healthz`)).status).toBe(200);
  });

  it("holds each image to the next stage's policy with its own ledger, as its readiness route does", async () => {
    const approver = (
      await api.call<{ token: string }>('POST', '/api/v1/tokens', {
        token: adminToken,
        body: { name: 'qa-lead', role: 'approver' },
      })
    ).body.token;
    const approve = (digest: string) =>
      api.call('POST', `/api/v1/gates/${digest}/approvals`, { token: approver, body: {} });
    expect((await approve(digests.api!)).status).toBe(201);
    expect((await approve(digests.worker!)).status).toBe(201);
    const { body } = await api.call<BoardBody>('GET', '/api/v1/board', { token: readerToken });
    const images = body.stages[0]!.images;
    expect(images).toHaveLength(3);
    for (const { image, readiness } of images) {
      const single = await api.call(
        'GET',
        `/api/v1/gates/${image.digest}/readiness?stage=staging&source=ci`,
        {
          token: readerToken,
        },
      );
      expect(single.status).toBe(200);
      expect(readiness).toEqual(single.body);
    }
    const ready = new Map(images.map((i) => [i.image.repository, i.readiness!.ready]));
    expect(Object.fromEntries(ready)).toEqual({
      'shop/api': true,
      'shop/web': false,
      'shop/worker': false,
    });
  });
});
