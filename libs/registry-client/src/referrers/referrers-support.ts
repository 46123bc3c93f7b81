const REMEMBER_MS = 15 * 60 * 1000;

/**
 * Whether an origin has the OCI referrers API, learned from its answers and shared by all clients
 * in the process, so a registry without it costs the extra 404 once, not on every lookup. Forgotten
 * after a while: a registry may be upgraded under us.
 */
export class ReferrersSupport {
  private readonly known = new Map<string, { supported: boolean; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  get(origin: string): boolean | undefined {
    const entry = this.known.get(origin);
    if (entry && entry.until > this.now()) return entry.supported;
    this.known.delete(origin);
    return undefined;
  }

  set(origin: string, supported: boolean): void {
    this.known.set(origin, { supported, until: this.now() + REMEMBER_MS });
  }
}

export const referrersSupport = new ReferrersSupport();
