import { PromotionQueriesService, type PromotionView } from '@airlock/promotions';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

/** How often watched promotions are read: the worker writes progress once a second. */
export const WATCH_INTERVAL_MS = 1000;

type Listener = (view: PromotionView) => void;

/** What the watch reads with: every watched promotion in one call. */
export type WatchReader = Pick<PromotionQueriesService, 'showMany'>;

/** The DI token of the reader (PromotionQueriesService in the app, a fake in a unit test). */
export const WATCH_READER = Symbol('WatchReader');

/**
 * One watcher per API process for every live stream (`GET /api/v1/promotions/{id}/events`):
 * while anyone listens, one timer reads all watched promotions in one statement per tick and
 * hands each listener its promotion's view. Streams cost a listener, not a query each; progress
 * is in Postgres, so it works whichever process runs the copy. A failed read is logged and
 * tried again next tick; the streams stay open.
 */
@Injectable()
export class PromotionWatch implements OnModuleDestroy {
  private readonly logger = new Logger(PromotionWatch.name);
  private readonly listeners = new Map<string, Set<Listener>>();
  private timer: NodeJS.Timeout | undefined;
  private reading = false;
  /** Between reads; a test may shorten it before the first `watch`. */
  intervalMs = WATCH_INTERVAL_MS;

  constructor(@Inject(WATCH_READER) private readonly queries: WatchReader) {}

  /** Calls `listener` with the promotion's view every tick until the answered function is called. */
  watch(id: string, listener: Listener): () => void {
    const set = this.listeners.get(id) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(id, set);
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs).unref();
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Listeners now, over every promotion (for tests and metrics). */
  get listening(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  onModuleDestroy(): void {
    this.listeners.clear();
    this.stop();
  }

  /** One read for every watched promotion; a tick still reading is not overlapped. */
  async tick(): Promise<void> {
    if (this.reading || this.listeners.size === 0) return;
    this.reading = true;
    try {
      const views = await this.queries.showMany([...this.listeners.keys()]);
      for (const view of views)
        for (const listener of [...(this.listeners.get(view.id) ?? [])]) listener(view);
    } catch (error) {
      this.logger.warn(`reading watched promotions failed: ${(error as Error).message}`);
    } finally {
      this.reading = false;
    }
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
