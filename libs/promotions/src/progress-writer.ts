import type { CopyProgress } from '@airlock/copy';
import { AirlockError } from '@airlock/errors';
import type { PromotionRepository } from './promotion.repository';

/** How often a running copy writes its progress (and learns whether it was cancelled). */
export const PROGRESS_INTERVAL_MS = 1000;

/** Time as the writer sees it: what time it is, and a repeating timer it can stop. */
export interface ProgressClock {
  now(): number;
  /** Calls `tick` every `ms` until the answered function is called. */
  every(ms: number, tick: () => void): () => void;
}

export const SYSTEM_CLOCK: ProgressClock = {
  now: () => Date.now(),
  every: (ms, tick) => {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** Where progress goes: the target's heartbeat, answering its status. */
export type ProgressSink = Pick<PromotionRepository, 'recordProgress'>;

/**
 * Writes a copy's progress at most once per interval, and at least once per interval as a
 * heartbeat while the copy runs. Each write answers the target's status: a cancelled target
 * aborts the copy (tags are written last, so none gets written). The first write comes one
 * interval after the start: a copy done sooner writes no progress at all — its landing (or
 * staging) records it complete — which is most copies of a release of small images, and a
 * Postgres round trip each.
 */
export class ProgressWriter {
  private latest: CopyProgress | undefined;
  private written: number;
  private writing: Promise<void> = Promise.resolve();
  private readonly stopTimer: () => void;

  constructor(
    private readonly sink: ProgressSink,
    private readonly targetId: string,
    private readonly cancel: AbortController,
    private readonly clock: ProgressClock = SYSTEM_CLOCK,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
  ) {
    this.written = clock.now();
    this.stopTimer = clock.every(intervalMs, () => void this.write());
  }

  update(progress: CopyProgress): void {
    this.latest = progress;
    if (this.clock.now() - this.written >= this.intervalMs) void this.write();
  }

  stop(): void {
    this.stopTimer();
  }

  private write(): Promise<void> {
    const progress = this.latest;
    this.written = this.clock.now();
    this.writing = this.writing.then(async () => {
      const status = await this.sink
        .recordProgress(this.targetId, progress && { ...progress })
        .catch(() => 'running' as const); // a progress write is not worth failing the copy
      if (status !== 'running' && !this.cancel.signal.aborted) {
        this.cancel.abort(new AirlockError('CANCELLED', 'The promotion was cancelled'));
      }
    });
    return this.writing;
  }
}
