import type { Clock } from '../clock';
import { expiryMargin, TokenCache } from './token-cache';

describe('TokenCache', () => {
  let now = 1_000_000;
  const clock: Clock = { now: () => now, sleep: async () => undefined };

  it('serves a token until shortly before it expires', () => {
    const cache = new TokenCache(clock);
    cache.set('k', 't1', 60_000);
    now += 53_999;
    expect(cache.get('k')).toBe('t1');
    now += 1;
    expect(cache.get('k')).toBeUndefined();
  });

  it('keeps the margin to a tenth of the lifetime, at most 30 s', () => {
    expect(expiryMargin(2_000)).toBe(200);
    expect(expiryMargin(60_000)).toBe(6_000);
    expect(expiryMargin(3_600_000)).toBe(30_000);
  });

  it('invalidates only the token that was refused, not a fresher one', () => {
    const cache = new TokenCache(clock);
    cache.set('k', 'old', 60_000);
    cache.set('k', 'new', 60_000);
    cache.invalidate('k', 'old');
    expect(cache.get('k')).toBe('new');
    cache.invalidate('k', 'new');
    expect(cache.get('k')).toBeUndefined();
  });
});
