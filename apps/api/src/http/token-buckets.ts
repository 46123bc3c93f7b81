/**
 * Token buckets by key: each holds up to `burst` tokens and refills at `perSecond`. `take` spends
 * one and answers 0, or answers how many milliseconds until one is there (spending nothing).
 * Idle buckets are dropped once full again, so memory follows the active keys.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): number {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond,
    );
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    // The epsilon keeps float noise (0.998 tokens → 1.0000000009 ms) from rounding up a whole ms.
    return Math.ceil(((1 - bucket.tokens) / this.perSecond) * 1000 - 1e-6);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const refillMs = (this.burst / this.perSecond) * 1000;
    for (const [key, bucket] of this.buckets)
      if (now - bucket.at > refillMs) this.buckets.delete(key);
  }
}
