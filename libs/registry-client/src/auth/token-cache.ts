import type { Clock } from '../clock';

interface Entry {
  token: string;
  /** When we stop using it: shortly before the server says it expires. */
  until: number;
}

/** Bearer tokens by (realm, service, scopes), dropped shortly before they expire. */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.until > this.clock.now()) return entry.token;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, token: string, expiresInMs: number): void {
    this.entries.set(key, {
      token,
      until: this.clock.now() + expiresInMs - expiryMargin(expiresInMs),
    });
  }

  /** Forgets `token` for `key` — unless another request already replaced it with a fresh one. */
  invalidate(key: string, token: string): void {
    if (this.entries.get(key)?.token === token) this.entries.delete(key);
  }
}

/** A tenth of the lifetime, at most 30 s: a token must not expire between the check and its use. */
export function expiryMargin(expiresInMs: number): number {
  return Math.min(30_000, expiresInMs / 10);
}
