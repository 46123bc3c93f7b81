import type { Principal } from './principal';

/** How long a successful token lookup is reused: a revocation in another process counts after this. */
export const PRINCIPAL_CACHE_TTL_MS = 5_000;
/** Bounds memory: far more tokens than an install has, so only a flood of distinct tokens evicts. */
export const PRINCIPAL_CACHE_MAX_ENTRIES = 10_000;

interface Entry {
  principal: Principal;
  expiresAt: number;
}

/**
 * Principals of recently authenticated tokens, keyed by the token's sha256 (never the token), so
 * a burst of requests with one token costs one database lookup per TTL instead of one each.
 * Only successful lookups are kept: an unknown or revoked token always asks the database.
 * Revoking in this process drops the entry at once; elsewhere it takes effect within the TTL.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every forgetToken(): a lookup that started before a revocation must not be kept. */
  private revocations = 0;

  constructor(
    private readonly ttlMs = PRINCIPAL_CACHE_TTL_MS,
    private readonly maxEntries = PRINCIPAL_CACHE_MAX_ENTRIES,
    private readonly now: () => number = Date.now,
  ) {}

  get(tokenHash: string): Principal | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.principal;
    this.entries.delete(tokenHash);
    return undefined;
  }

  /** Take before a lookup and hand to set(): the lookup's answer is kept only if no token was revoked meanwhile. */
  get generation(): number {
    return this.revocations;
  }

  set(tokenHash: string, principal: Principal, generation: number): void {
    if (this.ttlMs <= 0 || generation !== this.revocations) return;
    this.entries.delete(tokenHash);
    if (this.entries.size >= this.maxEntries) this.evictOldest();
    this.entries.set(tokenHash, {
      principal: Object.freeze({ ...principal }),
      expiresAt: this.now() + this.ttlMs,
    });
  }

  /** Forgets every entry of the token with this id (revocation). */
  forgetToken(tokenId: string): void {
    this.revocations++;
    for (const [key, entry] of this.entries) {
      if (entry.principal.tokenId === tokenId) this.entries.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Maps iterate in insertion order, and set() re-inserts: the first key expires first. */
  private evictOldest(): void {
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}
