import { AppConfig } from '@airlock/config';
import { PeriodicPass } from '@airlock/queue';
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
  private readonly periodic: PeriodicPass;

  constructor(
    config: AppConfig,
    private readonly schedules: MirrorSchedules,
  ) {
    this.periodic = new PeriodicPass(
      'mirror schedule reconcile',
      config.reconcileIntervalMs,
      () => this.schedules.reconcile(),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.periodic.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }
}
