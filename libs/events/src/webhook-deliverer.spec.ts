import { SecretBox } from '@airlock/crypto';
import { AirlockError } from '@airlock/errors';
import { Metrics } from '@airlock/observability';
import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { WebhookDeliverer } from './webhook-deliverer';
import type {
  WebhookAttempt,
  WebhookDeliveryRepository,
  WebhookDeliveryTarget,
} from './webhook-delivery.repository';
import { secretContext } from './webhook-rules';
import { verifySignature } from './webhook-signature';
import { WebhookTransport, type WebhookPost, type WebhookResponse } from './webhook-transport';

const SECRET = 'whsec_0123456789abcdef';
const box = SecretBox.fromConfig({ secretKey: 'e'.repeat(64) });

/** Answers what it is told to, in order, and keeps every request it was given. */
class FakeTransport extends WebhookTransport {
  readonly posts: WebhookPost[] = [];
  constructor(private readonly answers: WebhookResponse[]) {
    super();
  }
  post(request: WebhookPost): Promise<WebhookResponse> {
    this.posts.push(request);
    return Promise.resolve(this.answers.shift() ?? { statusCode: 204, error: null, responseMs: 1 });
  }
}

/** One delivery row in memory, as the repository would keep it. */
class FakeDeliveries {
  readonly attempts: WebhookAttempt[] = [];
  failedWith: string | null = null;
  constructor(public target: WebhookDeliveryTarget | null) {}
  findTarget = () => Promise.resolve(this.target);
  fail = (_id: string, error: string) => {
    this.failedWith = error;
    return Promise.resolve();
  };
  recordAttempt = (_id: string, attempt: WebhookAttempt) => {
    this.attempts.push(attempt);
    return Promise.resolve(true);
  };
}

function target(changes: Partial<WebhookDeliveryTarget> = {}): WebhookDeliveryTarget {
  return {
    id: 'delivery-1',
    subscriptionId: 'sub-1',
    eventId: 'event-1',
    eventType: 'gate.recorded',
    // jsonb's own key order: the body puts them back in the documented one.
    payload: { data: { gate: 'scan' }, id: 'event-1', occurredAt: 't', type: 'gate.recorded' },
    status: 'pending',
    attempts: 0,
    lastStatusCode: null,
    lastError: null,
    responseMs: null,
    redeliveryOf: null,
    createdAt: new Date(),
    lastAttemptAt: null,
    deliveredAt: null,
    createdAtKey: '',
    url: 'http://127.0.0.1:9/hook',
    secretCiphertext: box.seal(SECRET, secretContext('sub-1')),
    enabled: true,
    ...changes,
  };
}

function setup(
  row: WebhookDeliveryTarget | null,
  answers: WebhookResponse[] = [],
  metrics = new Metrics(new Registry()),
) {
  const deliveries = new FakeDeliveries(row);
  const transport = new FakeTransport(answers);
  const deliverer = new WebhookDeliverer(
    deliveries as unknown as WebhookDeliveryRepository,
    box,
    transport,
    metrics,
  );
  return { deliveries, transport, deliverer };
}

const status = (statusCode: number | null, error: string | null = `HTTP ${statusCode}`) => ({
  statusCode,
  error,
  responseMs: 5,
});

describe('WebhookDeliverer', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it('posts the envelope, signed with the subscription secret, and records it delivered', async () => {
    const { deliveries, transport, deliverer } = setup(target(), [status(204, null)]);
    expect(await deliverer.deliver('delivery-1', { finalAttempt: false })).toBe('delivered');
    const [post] = transport.posts;
    expect(post!.body).toBe(
      '{"id":"event-1","type":"gate.recorded","occurredAt":"t","data":{"gate":"scan"}}',
    );
    expect(post!.headers).toMatchObject({
      'Airlock-Event': 'gate.recorded',
      'Airlock-Delivery': 'delivery-1',
    });
    expect(verifySignature(post!.headers['Airlock-Signature'], post!.body, SECRET).valid).toBe(
      true,
    );
    expect(deliveries.attempts).toEqual([
      { statusCode: 204, error: null, responseMs: 5, status: 'delivered' },
    ]);
  });

  it('leaves a retryable failure pending and throws a retryable error for the queue', async () => {
    const { deliveries, deliverer } = setup(target(), [status(503)]);
    const error = await deliverer
      .deliver('delivery-1', { finalAttempt: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AirlockError);
    expect((error as AirlockError).retryable).toBe(true);
    expect(deliveries.attempts.map((a) => a.status)).toEqual(['pending']);
  });

  it('fails at once on a permanent answer, and on the last attempt whatever the answer', async () => {
    const gone = setup(target(), [status(410)]);
    expect(await gone.deliverer.deliver('delivery-1', { finalAttempt: false })).toBe('failed');
    expect(gone.deliveries.attempts.map((a) => a.status)).toEqual(['failed']);
    const last = setup(target(), [status(null, 'ECONNREFUSED')]);
    expect(await last.deliverer.deliver('delivery-1', { finalAttempt: true })).toBe('failed');
    expect(last.deliveries.attempts).toEqual([
      { statusCode: null, error: 'ECONNREFUSED', responseMs: 5, status: 'failed' },
    ]);
  });

  it('sends nothing for a delivery that is gone, settled, or whose webhook was disabled', async () => {
    for (const row of [null, target({ status: 'delivered' })]) {
      const { transport, deliverer } = setup(row);
      expect(await deliverer.deliver('delivery-1', { finalAttempt: false })).toBe('skipped');
      expect(transport.posts).toEqual([]);
    }
    const disabled = setup(target({ enabled: false }));
    expect(await disabled.deliverer.deliver('delivery-1', { finalAttempt: false })).toBe('failed');
    expect(disabled.deliveries.failedWith).toMatch(/disabled/);
    expect(disabled.transport.posts).toEqual([]);
  });

  it('retries without posting when the secret cannot be opened (another key, another row)', async () => {
    const moved = target({ secretCiphertext: box.seal(SECRET, secretContext('sub-2')) });
    const { transport, deliveries, deliverer } = setup(moved);
    await expect(deliverer.deliver('delivery-1', { finalAttempt: false })).rejects.toThrow(
      AirlockError,
    );
    expect(transport.posts).toEqual([]);
    expect(deliveries.attempts).toEqual([
      expect.objectContaining({ statusCode: null, status: 'pending' }),
    ]);
  });

  it('counts every attempt it sent by outcome (delivered, retrying, failed), nothing else', async () => {
    const metrics = new Metrics(new Registry());
    const once = { finalAttempt: false };
    await setup(target(), [status(204, null)], metrics).deliverer.deliver('delivery-1', once);
    await expect(
      setup(target(), [status(503)], metrics).deliverer.deliver('delivery-1', once),
    ).rejects.toThrow(AirlockError);
    await setup(target(), [status(503)], metrics).deliverer.deliver('delivery-1', {
      finalAttempt: true,
    });
    await setup(target({ status: 'delivered' }), [], metrics).deliverer.deliver('delivery-1', once);

    const samples = (await metrics.webhookDeliveries.get()).values;
    expect(Object.fromEntries(samples.map((s) => [s.labels.outcome, s.value]))).toEqual({
      delivered: 1,
      retrying: 1,
      failed: 1,
    });
  });
});
