import { Database, raw, sql } from '@airlock/persistence';
import { readQuery } from '@airlock/validation';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ACTIVE_STATUSES } from './promotion-rows';
import { ACTIVE_RELEASE_STATUSES } from './releases/release.repository';

/** How often the statuses of what is waited for are read: one short statement per kind. */
export const END_WATCH_INTERVAL_MS = 50;
/** The longest `?wait=` in seconds: a proxy in between may cut a quiet response sooner. */
export const MAX_WAIT_SECONDS = 300;

export type Awaited = 'promotion' | 'release';

/** Where each kind's status is, and which statuses still move. */
const WATCHED: Record<Awaited, { table: string; active: readonly string[] }> = {
  promotion: { table: 'promotions', active: ACTIVE_STATUSES },
  release: { table: 'releases', active: ACTIVE_RELEASE_STATUSES },
};

/** `?wait=<seconds>` of a show request (0, the default: answer at once). */
export function readWaitQuery(query: unknown): { waitMs: number } {
  return readQuery(query, (r) => ({
    waitMs: (r.integer('wait', { min: 0, max: MAX_WAIT_SECONDS }) ?? 0) * 1000,
  }));
}

/**
 * `GET /api/v1/promotions/{id}?wait=` and `GET /api/v1/releases/{id}?wait=`: a request that
 * waits until the promotion or release is no longer active, so CI follows it with one call
 * instead of polling its whole view. While anyone waits, one timer reads, every
 * END_WATCH_INTERVAL_MS, which of the awaited ids ended — one statement per kind for every
 * waiter in the process, the status column only — and wakes their waiters; the view is built
 * once, after. The state is in Postgres, so it works whichever process runs the copies.
 */
@Injectable()
export class EndWatch implements OnModuleDestroy {
  private readonly logger = new Logger(EndWatch.name);
  /** Per kind, per awaited id: the callbacks that end each waiter's wait. */
  private readonly waiting: Record<Awaited, Map<string, Set<() => void>>> = {
    promotion: new Map(),
    release: new Map(),
  };
  private timer: NodeJS.Timeout | undefined;
  private reading = false;
  /** The last read failed: said once per outage, not every tick. */
  private failing = false;

  constructor(private readonly db: Database) {}

  /**
   * What a show request answers: `read()` now and, when its `?wait=` (`query`) allows and what
   * it read is active, again once it ended (or the time ran out, or `signal` aborted).
   */
  async answer<T extends { id: string; status: string }>(
    kind: Awaited,
    query: unknown,
    read: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const { waitMs } = readWaitQuery(query);
    const now = await read();
    if (waitMs === 0 || !WATCHED[kind].active.includes(now.status)) return now;
    await this.until(kind, now.id, waitMs, signal);
    return read();
  }

  /**
   * Resolves once `id` is no longer active (seen at a tick), after `timeoutMs`, or when `signal`
   * aborts (the client went away) — whichever comes first. Never rejects.
   */
  until(kind: Awaited, id: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const ids = this.waiting[kind];
      const set = ids.get(id) ?? new Set<() => void>();
      const done = (): void => {
        clearTimeout(timeout);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0 && ids.get(id) === set) ids.delete(id);
        if (this.count() === 0) this.stop();
        resolve();
      };
      const timeout = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
      ids.set(id, set);
      this.timer ??= setInterval(() => void this.tick(), END_WATCH_INTERVAL_MS).unref();
    });
  }

  onModuleDestroy(): void {
    for (const ids of Object.values(this.waiting))
      for (const set of [...ids.values()]) for (const done of [...set]) done();
    this.stop();
  }

  /** Reads which awaited ids ended and wakes their waiters; a tick still reading is not overlapped. */
  async tick(): Promise<void> {
    if (this.reading || this.count() === 0) return;
    this.reading = true;
    try {
      await Promise.all([this.wake('promotion'), this.wake('release')]);
      if (this.failing) this.logger.log('reading awaited statuses works again');
      this.failing = false;
    } catch (error) {
      // Waiters keep waiting (until their time is up) and the next tick tries again.
      if (!this.failing)
        this.logger.warn(`reading awaited statuses failed: ${(error as Error).message}`);
      this.failing = true;
    } finally {
      this.reading = false;
    }
  }

  private async wake(kind: Awaited): Promise<void> {
    const ids = this.waiting[kind];
    if (ids.size === 0) return;
    const { table, active } = WATCHED[kind];
    // `table` is one of WATCHED's two names, never input.
    const ended = await this.db.rows<{ id: string }>(
      sql`SELECT id FROM ${raw(table)} WHERE id = ANY(${[...ids.keys()]}::uuid[]) AND NOT (status = ANY(${[...active]}::text[]))`,
    );
    for (const { id } of ended) for (const done of [...(ids.get(id) ?? [])]) done();
  }

  private count(): number {
    return this.waiting.promotion.size + this.waiting.release.size;
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
