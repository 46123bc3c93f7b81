import { AppConfig } from '@airlock/config';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { MirrorSchedules } from './mirror-schedules';

/**
 * Every worker applies every rule's schedule at boot and each AIRLOCK_RECONCILE_INTERVAL_MS: a
 * Redis that restarted empty gets its schedulers back, and the scheduler of a rule deleted while
 * Redis was down goes. Upserting a scheduler is idempotent (the next tick's job id is derived
 * from the tick), so several workers doing it at once add nothing twice.
 */
@Injectable()
export class MirrorScheduleReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MirrorScheduleReconciler.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly schedules: MirrorSchedules,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.config.reconcileIntervalMs);
    this.timer.unref();
    this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.schedules
      .reconcile()
      .catch((error: unknown) =>
        this.logger.warn(`mirror schedules not reconciled: ${(error as Error).message}`),
      )
      .finally(() => (this.running = undefined));
  }
}
