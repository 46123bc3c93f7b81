import { systemClock, type Clock } from '../clock';
import { RegistryError } from '../registry-error';
import { Retrier } from './retrier';

function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const transient = (retryAfterMs?: number): RegistryError => {
  const error = new RegistryError('REGISTRY_ERROR', 'registry "r": GET /v2/ answered 503', {
    registry: 'r',
    status: 503,
    retryable: true,
  });
  if (retryAfterMs !== undefined) error.details.retryAfterMs = retryAfterMs;
  return error;
};

describe('Retrier', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, budgetMs: 10_000 };

  it('retries retryable errors with backoff, then returns the success', async () => {
    const clock = fakeClock();
    const outcomes = [transient(), transient(), 'ok'];
    const attempts: number[] = [];
    const result = await new Retrier(policy, clock, () => 0.5).run(async (attempt) => {
      attempts.push(attempt);
      const next = outcomes.shift();
      if (next instanceof Error) throw next;
      return next;
    });
    expect(result).toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
    expect(clock.slept).toEqual([50, 100]);
  });

  it('waits what Retry-After asked for', async () => {
    const clock = fakeClock();
    let calls = 0;
    await new Retrier(policy, clock).run(async () => {
      calls += 1;
      if (calls === 1) throw transient(2_000);
    });
    expect(clock.slept).toEqual([2_000]);
  });

  it('gives up after maxAttempts with the last error, saying how hard it tried', async () => {
    const clock = fakeClock();
    const run = new Retrier(policy, clock, () => 0).run(async () => {
      throw transient();
    });
    await expect(run).rejects.toMatchObject({
      code: 'REGISTRY_ERROR',
      retryable: true,
      status: 503,
      message: expect.stringContaining('gave up after 4 attempts'),
    });
    expect(clock.slept).toHaveLength(3);
  });

  it('does not retry errors that are not retryable, nor foreign errors', async () => {
    const clock = fakeClock();
    const denied = new RegistryError('REGISTRY_ACCESS_DENIED', 'denied', {
      registry: 'r',
      retryable: false,
    });
    await expect(new Retrier(policy, clock).run(async () => Promise.reject(denied))).rejects.toBe(
      denied,
    );
    const foreign = new Error('bug');
    await expect(new Retrier(policy, clock).run(async () => Promise.reject(foreign))).rejects.toBe(
      foreign,
    );
    expect(clock.slept).toEqual([]);
  });

  it('tells its logger each decision: retry (backoff or Retry-After), give up, permanent', async () => {
    const lines: string[] = [];
    const logger = { debug: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };
    const retrier = new Retrier(policy, fakeClock(), () => 0.5, logger);
    let calls = 0;
    await retrier.run(async () => {
      calls += 1;
      if (calls === 1) throw transient();
      if (calls === 2) throw transient(2_000);
    });
    await retrier.run(async () => Promise.reject(transient())).catch(() => undefined);
    const denied = new RegistryError(
      'REGISTRY_ACCESS_DENIED',
      'registry "r": GET /v2/ answered 403',
      {
        registry: 'r',
        retryable: false,
      },
    );
    await retrier.run(async () => Promise.reject(denied)).catch(() => undefined);
    expect(lines).toEqual([
      'registry "r": GET /v2/ answered 503 — attempt 1 of 4 failed, retrying in 50 ms (backoff)',
      'registry "r": GET /v2/ answered 503 — attempt 2 of 4 failed, retrying in 2000 ms (Retry-After)',
      'registry "r": GET /v2/ answered 503 — attempt 1 of 4 failed, retrying in 50 ms (backoff)',
      'registry "r": GET /v2/ answered 503 — attempt 2 of 4 failed, retrying in 100 ms (backoff)',
      'registry "r": GET /v2/ answered 503 — attempt 3 of 4 failed, retrying in 200 ms (backoff)',
      expect.stringMatching(
        /^registry "r": GET \/v2\/ answered 503 — not retried: attempt 4 of 4, \d+ ms of the 10000 ms budget used$/,
      ),
      'registry "r": GET /v2/ answered 403 — not retried (REGISTRY_ACCESS_DENIED is permanent)',
    ]);
  });

  it('backs off through a signal of its own: the caller’s signal still aborts the sleep', async () => {
    const parent = new AbortController();
    const retrier = new Retrier(policy, systemClockLike(), () => 0.99);
    const run = retrier.run(async () => Promise.reject(transient(60_000)), parent.signal);
    const reason = new Error('cancelled');
    setImmediate(() => parent.abort(reason));
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});

/** The real clock's sleep (timers/promises with a signal) with a "now" that does not move. */
function systemClockLike(): Clock {
  return { now: () => 0, sleep: (ms, signal) => systemClock.sleep(ms, signal) };
}
