import type { RawManifest } from './descriptor';

const DEFAULT_TTL_MS = 60_000;
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Manifests lately read by digest, per registry and repository, for the next read of the same
 * digest by another piece of work in this process (a promotion request's plan, then its copy a
 * moment later). The bytes are the digest's — verified when they were read — so they are never
 * wrong; `ttlMs` only bounds how long ago the repository was seen holding them. Bounded in bytes
 * (the oldest go first). Reads by tag, and referrers, are never kept here: a tag moves and a
 * signature may arrive at any time.
 */
export class RecentManifests {
  private readonly entries = new Map<string, { raw: RawManifest; until: number }>();
  private bytes = 0;

  constructor(
    private readonly ttlMs = DEFAULT_TTL_MS,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
    private readonly now: () => number = Date.now,
  ) {}

  get(origin: string, repository: string, digest: string): RawManifest | undefined {
    const key = keyOf(origin, repository, digest);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until < this.now()) {
      this.drop(key);
      return undefined;
    }
    return entry.raw;
  }

  /** Keeps `raw` (read from `repository` of the registry at `origin`) for `ttlMs`. */
  put(origin: string, repository: string, raw: RawManifest): void {
    if (raw.bytes.length > this.maxBytes) return;
    const key = keyOf(origin, repository, raw.digest);
    this.drop(key);
    this.entries.set(key, { raw, until: this.now() + this.ttlMs });
    this.bytes += raw.bytes.length;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.raw.bytes.length;
  }
}

function keyOf(origin: string, repository: string, digest: string): string {
  return `${origin}\n${repository}\n${digest}`;
}
