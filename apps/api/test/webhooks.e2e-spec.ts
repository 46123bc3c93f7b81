import { generateToken } from '@airlock/auth';
import { verifySignature } from '@airlock/events';
import {
  AirlockProcess,
  buildImage,
  ImagePusher,
  RegistryFixture,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '@airlock/testing';
import { createHmac } from 'node:crypto';
import { Client } from 'pg';
import { AirlockApi, startTestApi, stopTestApi, type ApiResponse } from './support/airlock-api';
import { Receiver, type Envelope, type Received } from './support/webhook-receiver';

interface Webhook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  secretSet: boolean;
  secret?: string;
}
interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  responseMs: number | null;
  redeliveryOf: string | null;
  deliveredAt: string | null;
  payload: Envelope;
}
interface DeliveryPage {
  items: Delivery[];
  nextCursor: string | null;
}

const SECRET = 'e2e-webhook-secret-0123456789abcdef';
const ROTATED = 'e2e-rotated-secret-fedcba9876543210';

/** Webhooks as an operator and a receiver see them: real API and worker processes (dist/). */
describe('webhooks over HTTP', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let workerMetrics: string;
  let redis: TestRedis;
  let api: AirlockApi;
  let worker: AirlockProcess;
  let pg: Client;
  let registry: RegistryFixture;
  let prodRegistry: RegistryFixture;
  let pusher: ImagePusher;
  let receiver: Receiver;
  let ci: string;
  let reader: string;
  let generatedSecret = '';
  /** Every API answer's raw body, to prove no secret is ever in one. */
  const answers: string[] = [];

  beforeAll(async () => {
    [registry, prodRegistry] = await Promise.all([
      RegistryFixture.start({ auth: 'none', name: 'webhooks' }),
      RegistryFixture.start({ auth: 'none', name: 'webhooks-prod' }),
    ]);
    pusher = new ImagePusher(registry);
    receiver = await Receiver.start();
    const env = {
      AIRLOCK_SECRET_KEY: 'd'.repeat(64),
      AIRLOCK_WEBHOOK_BACKOFF_MS: '200',
      AIRLOCK_RECONCILE_INTERVAL_MS: '1000',
      AIRLOCK_LOG_LEVEL: 'debug',
    };
    ({ db, redis, api } = await startTestApi('webhooks', adminToken, env));
    worker = AirlockProcess.start('worker', {
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
      AIRLOCK_METRICS_PORT: '0',
      ...env,
    });
    await worker.waitForLog(/worker consuming queues: .*webhook/);
    const [, metricsPort] = (await worker.waitForLog(
      /worker metrics on (http:\/\/[\d.:]+)\/metrics/,
    ))!;
    workerMetrics = `${metricsPort}/metrics`;
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    expect(
      (
        await call('POST', '/api/v1/registries', {
          body: { name: 'sandbox', url: registry.url, role: 'sandbox' },
        })
      ).status,
    ).toBe(201);
    const token = async (name: string, role: string) =>
      (await call<{ token: string }>('POST', '/api/v1/tokens', { body: { name, role } })).body
        .token;
    ci = await token('jenkins', 'ci');
    reader = await token('dashboard', 'reader');
  });

  afterAll(async () => {
    await worker?.stop();
    await pg?.end();
    pusher?.close();
    await receiver?.stop();
    await Promise.all([registry?.stop(), prodRegistry?.stop()]);
    await stopTestApi({ api, redis, db });
  });

  async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<ApiResponse<T>> {
    const response = await api.call<T>(method, path, { token: adminToken, ...options });
    answers.push(JSON.stringify(response.body ?? null));
    return response;
  }
  const subscribe = (body: Record<string, unknown>) =>
    call<Webhook>('POST', '/api/v1/webhooks', { body });
  const deliveries = (id: string, query = '') =>
    call<DeliveryPage>('GET', `/api/v1/webhooks/${id}/deliveries${query}`);
  const recordGate = (digest: string, gate: string) =>
    call('POST', `/api/v1/gates/${digest}/results`, {
      token: ci,
      body: { gate, status: 'passed' },
    });
  /** Waits for the delivery of `eventType` whose event matches, in a settled state. */
  const settledDelivery = (id: string, match: (d: Delivery) => boolean) =>
    waitFor(`a settled delivery of webhook ${id}`, async () => {
      const page = await deliveries(id);
      return page.body.items.find((d) => d.status !== 'pending' && match(d));
    });
  const newImage = async (repository: string) => {
    const image = buildImage({ layers: [{ size: 256 }] });
    await pusher.push(repository, image, ['1.0.0']);
    const registered = await call<{ digest: string }>('POST', '/api/v1/images', {
      token: ci,
      body: { registry: 'sandbox', repository, tag: '1.0.0' },
    });
    expect(registered.status).toBe(201);
    return image.digest;
  };
  const expectSigned = (request: Received, secret: string) => {
    const header = request.headers['airlock-signature'] as string;
    expect(verifySignature(header, request.body, secret)).toEqual({
      valid: true,
      timestamp: expect.any(Number),
    });
    // The documented recipe by hand: hex HMAC-SHA256(secret, "<t>.<raw body>").
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)!;
    expect(createHmac('sha256', secret).update(`${t}.${request.body}`).digest('hex')).toBe(v1);
    expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(300);
  };

  it('is for admins only', async () => {
    const body = { url: `${receiver.base}/x`, events: ['*'] };
    for (const token of [ci, reader]) {
      expect((await call('POST', '/api/v1/webhooks', { token, body })).status).toBe(403);
      expect((await call('GET', '/api/v1/webhooks', { token })).status).toBe(403);
    }
  });

  it('refuses a bad url, an unknown event type and a short secret', async () => {
    const bad = [
      { url: 'ftp://example.com/hook', events: ['*'] },
      { url: `${receiver.base}/x`, events: ['image.deleted'] },
      { url: `${receiver.base}/x`, events: [] },
      { url: `${receiver.base}/x`, events: ['*'], secret: 'too-short' },
    ];
    for (const body of bad) {
      const response = await subscribe(body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'INVALID_INPUT' });
    }
  });

  let main: Webhook;
  let digest: string;

  it('delivers image.registered and gate.recorded, signed with the secret, and logs them', async () => {
    const created = await subscribe({
      url: `${receiver.base}/main`,
      events: ['image.registered', 'gate.recorded'],
      secret: SECRET,
    });
    expect(created.status).toBe(201);
    main = created.body;
    expect(main).toMatchObject({ enabled: true, secretSet: true });
    expect(main).not.toHaveProperty('secret');

    digest = await newImage('team/app');
    const recorded = await recordGate(digest, 'unit-tests');
    expect(recorded.status).toBe(201);

    const [registered] = await receiver.waitFor('/main', 1, (e) => e.type === 'image.registered');
    const [gate] = await receiver.waitFor('/main', 1, (e) => e.type === 'gate.recorded');
    for (const request of [registered!, gate!]) {
      expectSigned(request, SECRET);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['airlock-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(registered!.headers['airlock-event']).toBe('image.registered');
    expect(gate!.headers['airlock-event']).toBe('gate.recorded');
    const imageEvent = JSON.parse(registered!.body) as Envelope;
    expect(Object.keys(imageEvent)).toEqual(['id', 'type', 'occurredAt', 'data']);
    expect(imageEvent).toMatchObject({
      type: 'image.registered',
      data: { repository: 'team/app', digest, registry: 'sandbox', tag: '1.0.0' },
    });
    expect(JSON.parse(gate!.body)).toMatchObject({
      type: 'gate.recorded',
      data: { digest, gate: 'unit-tests', status: 'passed' },
    });
    // The event carries the record exactly as the API answered it, id and time included.
    expect((JSON.parse(gate!.body) as Envelope).data).toEqual(recorded.body);

    await settledDelivery(main.id, (d) => d.eventType === 'image.registered');
    const log = await settledDelivery(main.id, (d) => d.eventType === 'gate.recorded');
    const page = await deliveries(main.id);
    expect(page.status).toBe(200);
    expect(page.body.items.map((d) => d.eventType)).toEqual(['gate.recorded', 'image.registered']);
    expect(log).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      redeliveryOf: null,
      deliveredAt: expect.any(String),
      responseMs: expect.any(Number),
    });
    expect(page.body.items[1]!.id).toBe(registered!.headers['airlock-delivery']);
    expect(page.body.items[1]!.payload).toEqual(imageEvent);

    // Filters and keyset pages.
    const filtered = await deliveries(main.id, '?eventType=image.registered');
    expect(filtered.body.items.map((d) => d.eventType)).toEqual(['image.registered']);
    expect((await deliveries(main.id, '?status=failed')).body.items).toEqual([]);
    const first = await deliveries(main.id, '?limit=1');
    expect(first.body.items).toHaveLength(1);
    const second = await deliveries(
      main.id,
      `?limit=1&cursor=${encodeURIComponent(first.body.nextCursor!)}`,
    );
    expect(second.body.items.map((d) => d.id)).toEqual([page.body.items[1]!.id]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('does not send an event twice for an image registered again', async () => {
    const before = receiver.on('/main').length;
    const again = await call('POST', '/api/v1/images', {
      token: ci,
      body: { registry: 'sandbox', repository: 'team/app', tag: '1.0.0' },
    });
    expect(again.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.on('/main').length).toBe(before);
  });

  it('retries a receiver answering 500 and delivers on the third attempt', async () => {
    const created = await subscribe({ url: `${receiver.base}/flaky`, events: ['gate.recorded'] });
    expect(created.status).toBe(201);
    generatedSecret = created.body.secret!;
    expect(generatedSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const shown = await call<Webhook>('GET', `/api/v1/webhooks/${created.body.id}`);
    expect(shown.body).not.toHaveProperty('secret');

    const deliveries = async (outcome: string) => {
      const text = await (await fetch(workerMetrics)).text();
      const line = text.match(
        new RegExp(`^airlock_webhook_deliveries_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm'),
      );
      return Number(line?.[1] ?? 0);
    };
    const before = {
      retrying: await deliveries('retrying'),
      delivered: await deliveries('delivered'),
    };
    receiver.script('/flaky', [500, 500]);
    expect((await recordGate(digest, 'scan')).status).toBe(201);
    const delivery = await settledDelivery(created.body.id, () => true);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200 });
    // The worker's metrics count the two retried attempts and the delivery (other subscriptions
    // of this file receive the same event, so at least one more delivered).
    expect(await deliveries('retrying')).toBe(before.retrying + 2);
    expect(await deliveries('delivered')).toBeGreaterThanOrEqual(before.delivered + 1);
    const requests = receiver.on('/flaky');
    expect(requests).toHaveLength(3);
    // Same delivery and payload each time; each attempt signed afresh, with the generated secret.
    expect(new Set(requests.map((r) => r.headers['airlock-delivery']))).toEqual(
      new Set([delivery.id]),
    );
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);
    for (const request of requests) expectSigned(request, generatedSecret);
  });

  it('tells of a promotion: promotion.queued, then promotion.succeeded', async () => {
    const promo = await subscribe({
      url: `${receiver.base}/promotions`,
      events: ['promotion.queued', 'promotion.succeeded', 'promotion.failed'],
      secret: SECRET,
    });
    expect(promo.status).toBe(201);
    expect(
      (
        await call('POST', '/api/v1/registries', {
          body: { name: 'prod', url: prodRegistry.url, role: 'prod' },
        })
      ).status,
    ).toBe(201);
    for (const [name, member] of [
      ['ci', 'sandbox'],
      ['prod', 'prod'],
    ]) {
      const stage = await call('POST', '/api/v1/stages', {
        body: { name, registries: [member] },
      });
      expect(stage.status).toBe(201);
    }
    expect((await call('PUT', '/api/v1/stages/prod/policy', { body: {} })).status).toBe(200);
    const promotion = await call<{ id: string }>('POST', '/api/v1/promotions', {
      token: ci,
      body: { repository: 'team/app', digest, source: 'ci', target: 'prod' },
    });
    expect(promotion.status).toBe(202);

    const [queued] = await receiver.waitFor('/promotions', 1, (e) => e.type === 'promotion.queued');
    const [succeeded] = await receiver.waitFor(
      '/promotions',
      1,
      (e) => e.type === 'promotion.succeeded',
    );
    for (const request of [queued!, succeeded!]) expectSigned(request, SECRET);
    expect(JSON.parse(queued!.body)).toMatchObject({
      data: { id: promotion.body.id, digest, status: 'queued' },
    });
    expect(JSON.parse(succeeded!.body)).toMatchObject({
      data: { id: promotion.body.id, digest, status: 'succeeded' },
    });
    expect(receiver.on('/promotions')).toHaveLength(2);
  });

  it('sends a pending delivery that has no queue job (Redis was down at commit) from the sweep', async () => {
    const event = {
      id: '00000000-0000-4000-8000-000000000001',
      type: 'gate.recorded',
      occurredAt: new Date().toISOString(),
      data: { gate: 'swept' },
    };
    const inserted = await pg.query<{ id: string }>(
      `INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, payload, status, updated_at)
       VALUES ($1, $2, 'gate.recorded', $3::jsonb, 'pending', now() - interval '1 minute') RETURNING id`,
      [main.id, event.id, JSON.stringify(event)],
    );
    const [request] = await receiver.waitFor('/main', 1, (e) => e.id === event.id);
    expect(request!.headers['airlock-delivery']).toBe(inserted.rows[0]!.id);
    expect(JSON.parse(request!.body)).toEqual(event);
    expectSigned(request!, SECRET);
    // Every other delivery was enqueued after its commit: the sweep only ever had this one to add.
    expect(worker.logs.match(/had no live job/g)).toHaveLength(1);
    expect(worker.logs).toContain(`webhook delivery ${inserted.rows[0]!.id} had no live job`);
  });

  let gone: Webhook;

  it('fails at once on 410 Gone, and redelivers it on request', async () => {
    gone = (await subscribe({ url: `${receiver.base}/gone`, events: ['*'], secret: SECRET })).body;
    receiver.script('/gone', [410]);
    expect((await recordGate(digest, 'lint')).status).toBe(201);
    const failed = await settledDelivery(gone.id, () => true);
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastStatusCode: 410,
      lastError: expect.stringContaining('410'),
      deliveredAt: null,
    });
    await new Promise((r) => setTimeout(r, 1500)); // several backoff delays: no retry came
    expect(receiver.on('/gone')).toHaveLength(1);

    const redelivered = await call<Delivery>(
      'POST',
      `/api/v1/webhooks/${gone.id}/deliveries/${failed.id}/redeliver`,
    );
    expect(redelivered.status).toBe(202);
    expect(redelivered.body).toMatchObject({
      status: 'pending',
      attempts: 0,
      redeliveryOf: failed.id,
      eventId: failed.eventId,
    });
    expect(redelivered.body.id).not.toBe(failed.id);
    const [original, again] = await receiver.waitFor('/gone', 2);
    expect(again!.body).toBe(original!.body); // the same event id and payload
    expect(again!.headers['airlock-delivery']).toBe(redelivered.body.id);
    expectSigned(again!, SECRET);
    const settled = await settledDelivery(gone.id, (d) => d.id === redelivered.body.id);
    expect(settled).toMatchObject({ status: 'delivered', attempts: 1 });
    const page = await deliveries(gone.id);
    expect(page.body.items.map((d) => d.id)).toEqual([redelivered.body.id, failed.id]);
  });

  it('refuses to redeliver an unknown delivery', async () => {
    const response = await call(
      'POST',
      `/api/v1/webhooks/${main.id}/deliveries/${gone.id}/redeliver`,
    );
    expect(response.status).toBe(404);
  });

  it('signs with a rotated secret, and sends nothing to a disabled or deleted webhook', async () => {
    const patched = await call<Webhook>('PATCH', `/api/v1/webhooks/${main.id}`, {
      body: { secret: ROTATED },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).not.toHaveProperty('secret');
    expect(
      (await call('PATCH', `/api/v1/webhooks/${gone.id}`, { body: { enabled: false } })).body,
    ).toMatchObject({ enabled: false });
    const goneBefore = receiver.on('/gone').length;

    expect((await recordGate(digest, 'e2e')).status).toBe(201);
    const [request] = await receiver.waitFor(
      '/main',
      1,
      (e) => e.type === 'gate.recorded' && e.data.gate === 'e2e',
    );
    expectSigned(request!, ROTATED);
    expect(
      verifySignature(request!.headers['airlock-signature'] as string, request!.body, SECRET),
    ).toMatchObject({ valid: false, reason: 'mismatch' });
    expect(receiver.on('/gone')).toHaveLength(goneBefore);

    expect((await call('DELETE', `/api/v1/webhooks/${gone.id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/webhooks/${gone.id}`)).status).toBe(404);
    const list = await call<{ items: Webhook[] }>('GET', '/api/v1/webhooks');
    expect(list.body.items.map((w) => w.id)).not.toContain(gone.id);
    const audit = await pg.query<{ action: string }>(
      `SELECT action FROM audit_events WHERE action LIKE 'webhook.%' ORDER BY id`,
    );
    expect(new Set(audit.rows.map((r) => r.action))).toEqual(
      new Set(['webhook.created', 'webhook.updated', 'webhook.deleted', 'webhook.redelivered']),
    );
  });

  it('never shows a secret: not in any API answer, the audit log, the payloads or the process logs', async () => {
    const secrets = [SECRET, ROTATED, generatedSecret];
    expect(generatedSecret).not.toBe('');
    // The one answer allowed to hold the generated secret is its creation's 201.
    const holding = answers.filter((a) => a.includes(generatedSecret));
    expect(holding).toHaveLength(1);
    for (const secret of [SECRET, ROTATED])
      expect(answers.filter((a) => a.includes(secret))).toEqual([]);
    const audit = await pg.query<{ text: string }>(
      `SELECT coalesce(before::text, '') || coalesce(after::text, '') AS text FROM audit_events`,
    );
    const logs = `${api.process.logs}\n${worker.logs}`;
    expect(logs).toContain('webhook delivery'); // the worker did log its deliveries
    for (const secret of secrets) {
      expect(audit.rows.filter((r) => r.text.includes(secret))).toEqual([]);
      expect(logs.includes(secret)).toBe(false);
    }
    const stored = await pg.query<{ text: string }>(
      `SELECT payload::text AS text FROM webhook_deliveries`,
    );
    for (const secret of secrets)
      expect(stored.rows.filter((r) => r.text.includes(secret))).toEqual([]);
  });
});
