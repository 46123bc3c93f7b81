import { parseRateLimit, upstreamFacts } from './upstream-budget';

describe('parseRateLimit', () => {
  it('reads Docker Hub’s value with its window', () => {
    expect(parseRateLimit('76;w=21600')).toEqual({ value: 76, windowSeconds: 21600 });
    expect(parseRateLimit(' 0 ; w=60 ')).toEqual({ value: 0, windowSeconds: 60 });
  });

  it('reads a bare count', () => {
    expect(parseRateLimit('76')).toEqual({ value: 76 });
  });

  it('takes the first entry of a repeated header', () => {
    expect(parseRateLimit('100;w=21600, 100;w=21600')).toEqual({
      value: 100,
      windowSeconds: 21600,
    });
  });

  it('ignores parameters other than the window, and a window that is not a count', () => {
    expect(parseRateLimit('5;comment="x";w=30')).toEqual({ value: 5, windowSeconds: 30 });
    expect(parseRateLimit('5;w=soon')).toEqual({ value: 5 });
  });

  it.each([
    undefined,
    '',
    'many',
    '-1',
    '7.5',
    'w=60',
    ';w=60',
    '76abc',
    '1e3',
    '99999999999999999999',
  ])('refuses %p', (header) => {
    expect(parseRateLimit(header)).toBeUndefined();
  });
});

describe('upstreamFacts', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');

  it('pauses for Retry-After seconds on a 429', () => {
    expect(upstreamFacts({ status: 429, headers: { 'retry-after': '30' } }, now)).toEqual({
      pausedUntil: now + 30_000,
    });
  });

  it('pauses until a Retry-After HTTP-date', () => {
    const headers = { 'retry-after': 'Tue, 01 Jan 2030 00:02:00 GMT' };
    expect(upstreamFacts({ status: 429, headers }, now)).toEqual({ pausedUntil: now + 120_000 });
  });

  it('pauses 60 s on a 429 without a readable Retry-After', () => {
    expect(upstreamFacts({ status: 429, headers: {} }, now)).toEqual({ pausedUntil: now + 60_000 });
    expect(upstreamFacts({ status: 429, headers: { 'retry-after': 'soon' } }, now)).toEqual({
      pausedUntil: now + 60_000,
    });
  });

  it('ignores Retry-After on anything but a 429', () => {
    expect(upstreamFacts({ status: 503, headers: { 'retry-after': '30' } }, now)).toBeUndefined();
    expect(upstreamFacts({ status: 200, headers: {} }, now)).toBeUndefined();
  });

  it('reads the remaining pulls, the limit and the window end from any answer', () => {
    const headers = { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' };
    expect(upstreamFacts({ status: 200, headers }, now)).toEqual({
      remaining: 76,
      limit: 100,
      windowEndsAt: now + 21_600_000,
    });
  });

  it('takes the window from the limit when the remaining count has none, else 60 s', () => {
    const withLimit = { 'ratelimit-limit': '100;w=3600', 'ratelimit-remaining': '7' };
    expect(upstreamFacts({ status: 200, headers: withLimit }, now)).toMatchObject({
      remaining: 7,
      windowEndsAt: now + 3_600_000,
    });
    expect(upstreamFacts({ status: 200, headers: { 'ratelimit-remaining': '7' } }, now)).toEqual({
      remaining: 7,
      windowEndsAt: now + 60_000,
    });
  });

  it('records both on a 429 that reports the budget spent', () => {
    const headers = { 'retry-after': '10', 'ratelimit-remaining': '0;w=21600' };
    expect(upstreamFacts({ status: 429, headers }, now)).toEqual({
      pausedUntil: now + 10_000,
      remaining: 0,
      windowEndsAt: now + 21_600_000,
    });
  });

  it('ignores a garbled RateLimit-Remaining', () => {
    const headers = { 'ratelimit-limit': '100;w=60', 'ratelimit-remaining': 'lots' };
    expect(upstreamFacts({ status: 200, headers }, now)).toBeUndefined();
  });
});
