import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, planRetry } from './retry-policy';

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date, relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
  });

  it('ignores garbage', () => {
    for (const value of [undefined, '', 'soon', '1.5', '-3', '10s', 'Thu, 99 Foo 2015']) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });
});

describe('backoffDelay (full jitter)', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 200, maxDelayMs: 10_000 };

  it('draws from [0, base * 2^(attempt-1)) ...', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(0);
    expect(backoffDelay(1, policy, () => 0.999_999)).toBe(199);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(400);
    expect(backoffDelay(4, policy, () => 0.999_999)).toBe(1_599);
  });

  it('... capped at maxDelayMs however many attempts', () => {
    expect(backoffDelay(8, policy, () => 0.999_999)).toBe(9_999);
    expect(backoffDelay(60, policy, () => 0.999_999)).toBe(9_999);
  });

  it('stays within bounds for random draws', () => {
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const delay = backoffDelay(attempt, policy);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(10_000, 200 * 2 ** (attempt - 1)));
    }
  });
});

describe('planRetry', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10_000, budgetMs: 60_000 };

  it('backs off until the attempts are spent', () => {
    expect(planRetry({ attempt: 1, elapsedMs: 0 }, policy, () => 0.5)).toBe(100);
    expect(planRetry({ attempt: 4, elapsedMs: 0 }, policy, () => 0.5)).toBe(800);
    expect(planRetry({ attempt: 5, elapsedMs: 0 }, policy, () => 0.5)).toBeUndefined();
  });

  it('takes Retry-After over backoff, capped at what is left of the budget', () => {
    expect(planRetry({ attempt: 1, elapsedMs: 0, retryAfterMs: 3_000 }, policy)).toBe(3_000);
    expect(planRetry({ attempt: 1, elapsedMs: 50_000, retryAfterMs: 30_000 }, policy)).toBe(10_000);
  });

  it('stops when the budget is spent', () => {
    expect(planRetry({ attempt: 1, elapsedMs: 60_000 }, policy)).toBeUndefined();
    expect(planRetry({ attempt: 2, elapsedMs: 59_990 }, policy, () => 0.999)).toBe(10);
  });
});
