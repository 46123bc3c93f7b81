import { generateToken } from '@airlock/auth';
import {
  AirlockProcess,
  buildImage,
  ImagePusher,
  RegistryFixture,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '@airlock/testing';
import { SseParser, type SseEvent } from '../../cli/src/airlock/sse';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';

interface View {
  id: string;
  status: string;
  targets: Array<{ status: string; progress: { bytesDone: number } }>;
}

/** Reads a stream to its end (or `stopAfter` events), parsing it as the CLI and the UI do. */
async function readStream(
  url: string,
  token: string,
  stopAfter = Infinity,
): Promise<{ status: number; type: string | null; events: SseEvent[]; ended: boolean }> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const parser = new SseParser();
  const decoder = new TextDecoder();
  let ended = false;
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    events.push(...parser.push(decoder.decode(value, { stream: true })));
    if (events.length >= stopAfter) {
      controller.abort();
      break;
    }
  }
  return { status: response.status, type: response.headers.get('content-type'), events, ended };
}

describe('GET /api/v1/promotions/{id}/events (Server-Sent Events)', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let worker: AirlockProcess;
  let ci: RegistryFixture;
  let prod: RegistryFixture;
  let token: string;
  let digest: string;

  beforeAll(async () => {
    [ci, prod] = await Promise.all([
      RegistryFixture.start({ auth: 'none', name: 'sse-ci' }),
      RegistryFixture.start({ auth: 'none', name: 'sse-prod' }),
    ]);
    ({ db, redis, api } = await startTestApi('promotion_events', adminToken));
    const admin = (method: string, path: string, body: unknown) =>
      api.call<{ token: string }>(method, path, { token: adminToken, body });
    for (const [name, registry, role] of [
      ['ci', ci, 'ci'],
      ['prod', prod, 'prod'],
    ] as const) {
      await admin('POST', '/api/v1/registries', { name, url: registry.url, role });
      await admin('POST', '/api/v1/stages', { name, registries: [name] });
    }
    await admin('PUT', '/api/v1/stages/prod/policy', { allowedSourceStages: ['ci'] });
    token = (await admin('POST', '/api/v1/tokens', { name: 'jenkins', role: 'ci' })).body.token;
    const pusher = new ImagePusher(ci);
    try {
      digest = (
        await pusher.push(
          'team/app',
          buildImage({ layers: [{ size: 2 * 1024 * 1024 }, { size: 1024 * 1024 }] }),
          ['build'],
        )
      ).digest;
    } finally {
      pusher.close();
    }
    await api.call('POST', '/api/v1/images', {
      token,
      body: { registry: 'ci', repository: 'team/app', tag: 'build' },
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await stopTestApi({ api, redis, db });
    await Promise.all([ci?.stop(), prod?.stop()]);
  });

  const promote = (tag: string) =>
    api.call<View>('POST', '/api/v1/promotions', {
      token,
      body: { repository: 'team/app', digest, source: 'ci', target: 'prod', tags: [tag] },
    });

  it('sends the view now, each change, then end with the final view, and closes', async () => {
    // No worker yet: the promotion waits queued, so the stream starts before the copy.
    const accepted = await promote('1.0');
    expect(accepted.status).toBe(202);
    const url = `${api.base}/api/v1/promotions/${accepted.body.id}/events`;
    const reading = readStream(url, token);
    worker = AirlockProcess.start('worker', {
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
    });
    const stream = await reading;
    expect(stream.status).toBe(200);
    expect(stream.type).toMatch(/^text\/event-stream/);
    expect(stream.ended).toBe(true);
    const views = stream.events.map((e) => JSON.parse(e.data) as View);
    expect(stream.events[0]!.event).toBe('promotion');
    expect(views[0]!.status).toBe('queued');
    expect(stream.events.at(-1)!.event).toBe('end');
    expect(stream.events.slice(0, -1).every((e) => e.event === 'promotion')).toBe(true);
    expect(stream.events.map((e) => e.id)).toEqual(stream.events.map((_, i) => String(i + 1)));
    // Statuses only move forward, and no event repeats the one before it.
    const order = ['queued', 'running', 'succeeded'];
    const ranks = views.map((v) => order.indexOf(v.status));
    expect(ranks.every((r, i) => r >= 0 && (i === 0 || r >= ranks[i - 1]!))).toBe(true);
    for (let i = 1; i < views.length; i += 1)
      expect(JSON.stringify(views[i])).not.toBe(JSON.stringify(views[i - 1]));
    const shown = await api.call<View>('GET', `/api/v1/promotions/${accepted.body.id}`, { token });
    expect(views.at(-1)).toEqual(shown.body);
    expect(shown.body.status).toBe('succeeded');
  });

  it('answers a finished promotion with its view and end, and closes', async () => {
    const accepted = await promote('1.1');
    await waitFor(
      'the promotion to finish',
      async () => {
        const shown = await api.call<View>('GET', `/api/v1/promotions/${accepted.body.id}`, {
          token,
        });
        return shown.body.status === 'succeeded' ? true : undefined;
      },
      45000,
    );
    const stream = await readStream(
      `${api.base}/api/v1/promotions/${accepted.body.id}/events`,
      token,
    );
    expect(stream.ended).toBe(true);
    expect(stream.events.map((e) => e.event)).toEqual(['promotion', 'end']);
    expect(JSON.parse(stream.events[1]!.data)).toMatchObject({ status: 'succeeded' });
  });

  it('answers an unknown or malformed id, or no token, with a problem and no stream', async () => {
    const unknown = await fetch(
      `${api.base}/api/v1/promotions/0b6f0a2e-3c0e-4a43-9b55-2f8c2a3e8e0b/events`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await unknown.json()) as { code: string }).code).toBe('NOT_FOUND');
    const bad = await fetch(`${api.base}/api/v1/promotions/nope/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ field: string }> }).errors[0]!.field).toBe(
      'id',
    );
    expect((await fetch(`${api.base}/api/v1/promotions/nope/events`)).status).toBe(401);
  });
});
