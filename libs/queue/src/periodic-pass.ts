import type { Logger } from '@nestjs/common';

/**
 * A worker's safety-net pass (reconcile promotions, sweep webhook deliveries, re-apply mirror
 * schedules): run at once and then every `intervalMs`, never two at a time. A timer, not a
 * scheduled job, so it works when Redis lost everything. A failing pass is logged; the next comes.
 */
export class PeriodicPass {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly what: string,
    private readonly intervalMs: number,
    private readonly pass: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
    this.tick();
  }

  /** Stops the timer and waits for a pass under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.pass()
      .catch((error: unknown) =>
        this.logger.warn(`${this.what} failed: ${(error as Error).message}`),
      )
      .finally(() => (this.running = undefined));
  }
}
