import type { Principal } from './principal';
import { PrincipalCache } from './principal-cache';

const ci: Principal = { tokenId: 'token-1', name: 'jenkins', role: 'ci' };
const reader: Principal = { tokenId: 'token-2', name: 'dashboard', role: 'reader' };

/** A cache on a hand-moved clock: no real time passes in these tests. */
function cacheAt(ttlMs = 5_000, maxEntries = 100) {
  const clock = { now: 1_000_000 };
  return { clock, cache: new PrincipalCache(ttlMs, maxEntries, () => clock.now) };
}

describe('PrincipalCache', () => {
  it('answers a cached principal until the TTL has passed, then forgets it', () => {
    const { clock, cache } = cacheAt(5_000);
    cache.set('hash-1', ci, cache.generation);
    clock.now += 4_999;
    expect(cache.get('hash-1')).toEqual(ci);
    clock.now += 1;
    expect(cache.get('hash-1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('forgets every entry of a revoked token id, and only those', () => {
    const { cache } = cacheAt();
    cache.set('hash-1', ci, cache.generation);
    cache.set('hash-2', reader, cache.generation);
    cache.forgetToken(ci.tokenId);
    expect(cache.get('hash-1')).toBeUndefined();
    expect(cache.get('hash-2')).toEqual(reader);
  });

  it('does not keep a lookup that started before a revocation', () => {
    const { cache } = cacheAt();
    const generation = cache.generation;
    cache.forgetToken(ci.tokenId); // revoked while the lookup was in flight
    cache.set('hash-1', ci, generation);
    expect(cache.get('hash-1')).toBeUndefined();
  });

  it('evicts the oldest entry when full', () => {
    const { cache } = cacheAt(5_000, 2);
    cache.set('hash-1', ci, cache.generation);
    cache.set('hash-2', reader, cache.generation);
    cache.set('hash-3', ci, cache.generation);
    expect(cache.size).toBe(2);
    expect(cache.get('hash-1')).toBeUndefined();
    expect(cache.get('hash-3')).toEqual(ci);
  });

  it('keeps nothing with a TTL of 0', () => {
    const { cache } = cacheAt(0);
    cache.set('hash-1', ci, cache.generation);
    expect(cache.get('hash-1')).toBeUndefined();
  });

  it('hands out frozen copies, so no caller can change what the next request sees', () => {
    const { cache } = cacheAt();
    cache.set('hash-1', { ...ci }, cache.generation);
    expect(Object.isFrozen(cache.get('hash-1'))).toBe(true);
  });
});
