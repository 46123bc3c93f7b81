import { TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  it('allows a burst, then one per refill interval, per key', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 3, () => now); // 2/s, bursts of 3
    expect([1, 2, 3].map(() => buckets.take('a'))).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(500); // one token comes back in 500 ms
    expect(buckets.take('b')).toBe(0); // another key has its own bucket
    now = 499;
    expect(buckets.take('a')).toBe(1);
    now = 500;
    expect(buckets.take('a')).toBe(0);
    now = 10_000;
    expect([1, 2, 3, 4].map(() => buckets.take('a'))).toEqual([0, 0, 0, 500]); // never above the burst
  });
});
