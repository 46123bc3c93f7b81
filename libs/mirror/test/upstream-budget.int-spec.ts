import { UpstreamBudget } from '@airlock/mirror';
import {
  RegistryClient,
  systemClock,
  type Clock,
  type RegistryRequestEvent,
  type RequestGate,
} from '@airlock/registry-client';
import {
  buildImage,
  createTestRedis,
  FaultProxy,
  ImagePusher,
  RegistryFixture,
  waitFor,
  type TestRedis,
} from '@airlock/testing';
import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { setTimeout as realSleep } from 'node:timers/promises';

/** The real clock, remembering every sleep: waits are checked by what was asked, not by timing. */
function recordingClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    now: () => Date.now(),
    sleep: async (ms, signal) => {
      slept.push(ms);
      if (ms > 0) await realSleep(ms, undefined, { signal });
    },
  };
}

describe('UpstreamBudget shared by mirror jobs (real Redis, a real registry behind a fault proxy)', () => {
  const repository = 'mirror/app';
  const image = buildImage();
  const layer = image.layers[0];
  const manifestPath = new RegExp(`^/v2/${repository}/manifests/`);
  let registry: RegistryFixture;
  let proxy: FaultProxy;
  let redis: TestRedis;
  // Two connections: two worker processes.
  let redisA: IORedis;
  let redisB: IORedis;
  let upstream: { id: string; name: string };
  let clock: ReturnType<typeof recordingClock>;

  /** A mirror job's client; `sent` collects when each of its requests went out (epoch ms). */
  const job = (gate: RequestGate): { client: RegistryClient; sent: number[] } => {
    const sent: number[] = [];
    const onRequest = (event: RegistryRequestEvent): void =>
      void sent.push(Date.now() - event.durationMs);
    const client = new RegistryClient(
      { name: upstream.name, url: proxy.url },
      { gate, onRequest, clock, random: () => 0 },
    );
    return { client, sent };
  };

  /** A HEAD answered by the proxy as the registry would, plus the RateLimit headers Docker Hub sends. */
  const headReporting = (remaining: string): void => {
    const body = image.manifestBytes.toString('utf8');
    proxy.addRule({
      method: 'HEAD',
      path: manifestPath,
      status: 200,
      headers: {
        'Content-Type': image.mediaType,
        'Docker-Content-Digest': image.digest,
        'RateLimit-Limit': '100;w=60',
        'RateLimit-Remaining': remaining,
      },
      body,
    });
  };

  beforeAll(async () => {
    redis = createTestRedis('upstream-budget');
    redisA = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
    redisB = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
    registry = await RegistryFixture.start({ name: 'upstream-budget' });
    proxy = await FaultProxy.start({ target: registry.url });
    const pusher = new ImagePusher(registry);
    try {
      await pusher.push(repository, image, ['1.0']);
    } finally {
      pusher.close();
    }
  });

  beforeEach(() => {
    upstream = { id: randomUUID(), name: 'hub' };
    clock = recordingClock();
  });

  afterEach(() => {
    proxy.clearRules();
    proxy.clearRequests();
  });

  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
    await RegistryFixture.stopAll();
    await redis?.cleanup();
    redisA?.disconnect();
    redisB?.disconnect();
  });

  it('holds every job until a 429’s Retry-After has passed, the job that got it and one that starts during the pause', async () => {
    proxy.addRule({
      method: 'GET',
      path: manifestPath,
      status: 429,
      headers: { 'Retry-After': '1' },
      body: { errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] },
    });
    const budgetA = new UpstreamBudget(redisA, redis.prefix, { clock });
    const budgetB = new UpstreamBudget(redisB, redis.prefix, { clock });
    const first = job(budgetA.gateFor(upstream));
    const second = job(budgetB.gateFor(upstream));

    const pulledByFirst = first.client.getManifest(repository, '1.0');
    const pausedUntil = await waitFor('the pause, seen from the other process', async () =>
      (await budgetB.state(upstream.id)).pausedUntil?.getTime(),
    );
    const pulledBySecond = second.client.getManifest(repository, '1.0');

    const pulled = await Promise.all([pulledByFirst, pulledBySecond]);
    expect(pulled.map((manifest) => manifest.digest)).toEqual([image.digest, image.digest]);
    expect(proxy.requests.map((r) => [r.method, r.status])).toEqual([
      ['GET', 429],
      ['GET', 200],
      ['GET', 200],
    ]);
    expect(first.sent).toHaveLength(2);
    expect(second.sent).toHaveLength(1);
    // Onward from the 429, nothing left either job before the pause ended (1 ms: clock rounding).
    for (const sentAt of [first.sent[1], second.sent[0]]) {
      expect(sentAt).toBeGreaterThanOrEqual(pausedUntil - 1);
    }
    expect(pausedUntil - first.sent[0]).toBeGreaterThanOrEqual(1000);
  });

  it('refuses at once, upstream untouched, when Retry-After is longer than a request may wait', async () => {
    proxy.addRule({
      method: 'GET',
      path: manifestPath,
      status: 429,
      headers: { 'Retry-After': '3600' },
    });
    const budget = new UpstreamBudget(redisA, redis.prefix, { clock, maxWaitMs: 5_000 });
    const refused = {
      code: 'REGISTRY_RATE_LIMITED',
      ociCode: 'TOOMANYREQUESTS',
      status: 429,
      retryable: false,
    };

    await expect(
      job(budget.gateFor(upstream)).client.getManifest(repository, '1.0'),
    ).rejects.toMatchObject({
      ...refused,
      message: expect.stringMatching(
        /^registry "hub": upstream asked to pause for 3600 s \(until .+\), longer than a request may wait \(5 s\): GET \/v2\/mirror\/app\/manifests\/1\.0 not sent$/,
      ),
    });
    // Only the retrier's backoff (0 here): nobody slept towards the pause.
    expect(clock.slept).toEqual([0]);

    const other = new UpstreamBudget(redisB, redis.prefix, { clock, maxWaitMs: 5_000 });
    await expect(
      job(other.gateFor(upstream)).client.headManifest(repository, '1.0'),
    ).rejects.toMatchObject(refused);
    expect(proxy.requests.map((r) => [r.method, r.status])).toEqual([['GET', 429]]);
  });

  it('refuses manifest GETs once RateLimit-Remaining says 0, in every job, while HEADs and blob reads go through', async () => {
    headReporting('0;w=60');
    const budgetA = new UpstreamBudget(redisA, redis.prefix, { clock });
    const budgetB = new UpstreamBudget(redisB, redis.prefix, { clock });
    const { client } = job(budgetA.gateFor(upstream));
    const other = job(budgetB.gateFor(upstream)).client;

    expect(await client.headManifest(repository, '1.0')).toMatchObject({ digest: image.digest });
    const exhausted = {
      code: 'REGISTRY_RATE_LIMITED',
      ociCode: 'TOOMANYREQUESTS',
      status: 429,
      retryable: false,
      message: expect.stringMatching(
        /^registry "hub": pull budget exhausted until \d{4}-\d\d-\d\dT.+Z \(RateLimit-Remaining 0\)/,
      ),
    };
    await expect(client.getManifest(repository, '1.0')).rejects.toMatchObject(exhausted);
    await expect(other.getManifest(repository, image.digest)).rejects.toMatchObject(exhausted);
    expect(proxy.requests.map((r) => [r.method, r.status])).toEqual([['HEAD', 200]]);

    expect(await other.headManifest(repository, '1.0')).toMatchObject({ digest: image.digest });
    expect(await other.headBlob(repository, layer.digest)).toBe(layer.size);
    const bytes = await buffer(await other.openBlob(repository, layer));
    expect(bytes.equals(image.blobContents.get(layer.digest)!)).toBe(true);
    expect(proxy.requests.map((r) => [r.method, r.status])).toEqual([
      ['HEAD', 200],
      ['HEAD', 200],
      ['HEAD', 200],
      ['GET', 200],
    ]);
    expect(await budgetB.state(upstream.id)).toMatchObject({ remaining: 0, limit: 100 });
  });

  it('counts the manifest GETs of every job against the remaining pulls between answers that report them', async () => {
    headReporting('2;w=60');
    const budgetA = new UpstreamBudget(redisA, redis.prefix, { clock });
    const budgetB = new UpstreamBudget(redisB, redis.prefix, { clock });
    const first = job(budgetA.gateFor(upstream)).client;
    const second = job(budgetB.gateFor(upstream)).client;

    await first.headManifest(repository, '1.0');
    await first.getManifest(repository, '1.0');
    await second.getManifest(repository, '1.0');
    await expect(first.getManifest(repository, '1.0')).rejects.toMatchObject({
      code: 'REGISTRY_RATE_LIMITED',
    });
    expect(proxy.requests.map((r) => [r.method, r.status])).toEqual([
      ['HEAD', 200],
      ['GET', 200],
      ['GET', 200],
    ]);
    expect(await budgetA.state(upstream.id)).toMatchObject({ remaining: 0 });
  });
});

describe('UpstreamBudget state in Redis (a fake clock)', () => {
  let redis: TestRedis;
  let connection: IORedis;
  let otherConnection: IORedis;
  let now: number;
  let slept: number[];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
  const manifestGet = {
    method: 'GET' as const,
    path: '/v2/library/nginx/manifests/1.27',
    attempt: 1,
  };
  let upstream: { id: string; name: string };
  let budget: UpstreamBudget;
  let gate: RequestGate;

  beforeAll(() => {
    redis = createTestRedis('upstream-budget-state');
    connection = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
    otherConnection = new IORedis(redis.url, { maxRetriesPerRequest: 1 });
  });

  beforeEach(() => {
    now = Date.parse('2030-01-01T00:00:00Z');
    slept = [];
    upstream = { id: randomUUID(), name: 'hub' };
    budget = new UpstreamBudget(connection, redis.prefix, { clock, maxWaitMs: 60_000 });
    gate = budget.gateFor(upstream);
  });

  afterAll(async () => {
    await redis?.cleanup();
    connection?.disconnect();
    otherConnection?.disconnect();
  });

  const key = (): string => `${redis.prefix}:airlock:upstream:${upstream.id}`;

  it('sleeps through a pause it may wait for, then lets the request go', async () => {
    gate.after(manifestGet, { status: 429, headers: { 'retry-after': '30' } });
    await gate.before(manifestGet);
    expect(slept).toEqual([30_000]);
  });

  it('never moves a later pause earlier, whichever process learns of the shorter one', async () => {
    const start = now;
    gate.after(manifestGet, { status: 429, headers: { 'retry-after': '120' } });
    const elsewhere = new UpstreamBudget(otherConnection, redis.prefix, { clock });
    await waitFor('the first pause, seen from the other process', async () =>
      (await elsewhere.state(upstream.id)).pausedUntil?.getTime(),
    );
    const other = elsewhere.gateFor(upstream);
    other.after(manifestGet, { status: 429, headers: { 'retry-after': '5' } });
    await other.before({ ...manifestGet, method: 'HEAD' });
    expect(slept).toEqual([120_000]);
    expect(await budget.state(upstream.id)).toEqual({ pausedUntil: new Date(start + 120_000) });
  });

  it('pauses 60 s for a 429 without Retry-After', async () => {
    const start = now;
    gate.after(manifestGet, { status: 429, headers: {} });
    await gate.before(manifestGet);
    expect(await budget.state(upstream.id)).toEqual({ pausedUntil: new Date(start + 60_000) });
  });

  it('lets the hash expire a minute after the last pause or window it records', async () => {
    gate.after(manifestGet, {
      status: 200,
      headers: { 'ratelimit-remaining': '76;w=21600', 'ratelimit-limit': '100;w=21600' },
    });
    await gate.before({ ...manifestGet, method: 'HEAD' });
    const ttl = await connection.pttl(key());
    expect(ttl).toBeGreaterThan(21_600_000);
    expect(ttl).toBeLessThanOrEqual(21_660_000);
    expect(await budget.state(upstream.id)).toEqual({
      remaining: 76,
      limit: 100,
      windowEndsAt: new Date(now + 21_600_000),
    });
  });

  it('counts only manifest GETs, and forgets a spent budget once its window has ended', async () => {
    gate.after(manifestGet, { status: 200, headers: { 'ratelimit-remaining': '1;w=60' } });
    await gate.before({ ...manifestGet, method: 'HEAD' });
    await gate.before({ ...manifestGet, path: '/v2/library/nginx/blobs/sha256:abc' });
    await gate.before({ ...manifestGet, path: '/v2/library/nginx/tags/list' });
    expect(await budget.state(upstream.id)).toMatchObject({ remaining: 1 });
    await gate.before(manifestGet);
    await expect(gate.before(manifestGet)).rejects.toMatchObject({
      code: 'REGISTRY_RATE_LIMITED',
      details: { retryAfterMs: 60_000 },
    });
    now += 60_000;
    await gate.before(manifestGet);
    expect(await budget.state(upstream.id)).toMatchObject({ remaining: 0 });
  });

  it('stops waiting when the request is cancelled', async () => {
    const waiting = new UpstreamBudget(connection, redis.prefix, { clock: systemClock }).gateFor(
      upstream,
    );
    waiting.after(manifestGet, { status: 429, headers: { 'retry-after': '60' } });
    const cancel = new AbortController();
    const held = waiting.before({ ...manifestGet, signal: cancel.signal });
    cancel.abort(new Error('promotion cancelled'));
    await expect(held).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('lets requests go unchecked when Redis cannot be reached', async () => {
    const down = new IORedis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    try {
      const unchecked = new UpstreamBudget(down, redis.prefix, { clock }).gateFor(upstream);
      unchecked.after(manifestGet, { status: 429, headers: { 'retry-after': '30' } });
      await expect(unchecked.before(manifestGet)).resolves.toBeUndefined();
      expect(slept).toEqual([]);
    } finally {
      down.disconnect();
    }
  });
});
